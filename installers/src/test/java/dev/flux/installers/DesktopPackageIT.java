package dev.flux.installers;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desktop app-image and .deb: the launcher starts the app on a real X display (Xvfb, GTK) and its main window
 * shows; the screenshots are saved as installers/target/desktop-*.png.
 */
class DesktopPackageIT {

    /** xwininfo -tree: {@code 0x400003 "FLUX Gateway": ("dev.flux.desktop.FluxDesktop" ...)  1040x680+120+40 ...}. */
    private static final Pattern MAIN_WINDOW = Pattern.compile(
            "\"FLUX Gateway\": \\(\"dev\\.flux\\.desktop\\.FluxDesktop\".*?(\\d+)x(\\d+)\\+(-?\\d+)\\+(-?\\d+)");

    /** The tray icon: AWT's embedded frame inside the tray's window, with its size and absolute position. */
    private static final Pattern TRAY_ICON = Pattern.compile(
            "\"JavaEmbeddedFrame\": \\([^)]*\\)\\s+(\\d+)x(\\d+)\\+-?\\d+\\+-?\\d+\\s+\\+(-?\\d+)\\+(-?\\d+)");
    private static Process xvfb;
    private static String display;

    @TempDir
    Path temp;

    @BeforeAll
    static void startXvfb() throws IOException {
        if (!Proc.onPath("Xvfb")) {
            return;
        }
        // -displayfd: Xvfb picks a free display number and writes it on standard output once it accepts clients.
        xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.UTF_8));
        String number = out.readLine();
        assertThat(number).as("Xvfb's display number").isNotNull().matches("\\d+");
        display = ":" + number;
    }

    @AfterAll
    static void stopXvfb() {
        if (xvfb != null) {
            Proc.kill(xvfb);
        }
    }

    @Test
    void appImageStartsAndShowsItsMainWindow() throws Exception {
        Path image = Packages.require("desktop-app-image", Packages.dir().resolve("desktop/image/flux-desktop"));
        Path launcher = image.resolve("bin/flux-desktop");
        assertThat(launcher).isExecutable();
        assertThat(image.resolve("lib/flux-desktop.png")).as("the launcher's icon").isRegularFile();
        assertThat(image.resolve("lib/app/flux-desktop.jar")).isRegularFile();
        // the trimmed runtime: JDK modules only (JavaFX is in the app's jar), no java command, no compiler
        assertThat(Files.readString(image.resolve("lib/runtime/release"))).contains("java.base", "java.desktop")
                .doesNotContain("javafx", "java.compiler", "jdk.jshell");
        assertThat(image.resolve("lib/runtime/bin/java")).doesNotExist();

        // With a tray on the display (trayer, a standalone system tray), the app's icon goes into it.
        Process tray = null;
        if (Proc.onPath("trayer") && display != null) {
            ProcessBuilder trayer = new ProcessBuilder("trayer", "--edge", "top", "--align", "right", "--widthtype",
                    "request", "--height", "32").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            trayer.environment().put("DISPLAY", display);
            tray = trayer.start();
        } else {
            System.out.println("SKIPPED the tray icon check: trayer is not on the PATH"
                    + " (Debian: apt-get install trayer)");
        }
        try {
            showsMainWindow(launcher, Packages.dir().resolveSibling("desktop-app-image.png"), tray != null);
        } finally {
            if (tray != null) {
                Proc.kill(tray);
            }
        }
    }

    @Test
    void debInstallsTheAppWithADesktopEntryAndIconAndRunsFromThere() throws Exception {
        Deb deb = Deb.built("flux-desktop", "desktop-deb");
        // GTK for JavaFX, and the system libraries the runtime's natives link (Debian's JDK uses the system's)
        assertThat(deb.field("Depends")).contains("libgtk-3-0", "zlib1g", "libasound2", "libjpeg62-turbo");
        deb.assertContains("/opt/flux-desktop/bin/flux-desktop",
                "/usr/bin/flux-desktop -> ../../opt/flux-desktop/bin/flux-desktop",
                "/usr/share/applications/flux-desktop.desktop",
                "/usr/share/icons/hicolor/256x256/apps/flux-desktop.png");

        Path root = deb.extract(temp.resolve("root"));
        List<String> entry = Files.readAllLines(root.resolve("usr/share/applications/flux-desktop.desktop"));
        assertThat(entry).contains("[Desktop Entry]", "Type=Application", "Name=FLUX Gateway",
                "Exec=/opt/flux-desktop/bin/flux-desktop", "Icon=flux-desktop", "Terminal=false",
                "StartupWMClass=dev.flux.desktop.FluxDesktop");
        if (Proc.onPath("desktop-file-validate")) {
            Proc.ok("desktop-file-validate", root.resolve("usr/share/applications/flux-desktop.desktop").toString());
        } else {
            System.out.println("SKIPPED desktop-file-validate of flux-desktop.desktop: not on the PATH"
                    + " (Debian: desktop-file-utils)");
        }
        BufferedImage icon = ImageIO.read(root.resolve("usr/share/icons/hicolor/256x256/apps/flux-desktop.png")
                .toFile());
        assertThat(icon.getWidth()).isEqualTo(256);
        assertThat(icon.getHeight()).isEqualTo(256);

        showsMainWindow(root.resolve("opt/flux-desktop/bin/flux-desktop"),
                Packages.dir().resolveSibling("desktop-deb.png"), false);
    }

    /**
     * Starts the app, waits for its main window, saves a screenshot and checks the window is drawn; with
     * {@code trayIcon}, also that its icon is embedded in the display's tray and drawn there.
     */
    private void showsMainWindow(Path launcher, Path screenshot, boolean trayIcon) throws Exception {
        Packages.requireTool("Xvfb", "the app needs an X display; Debian: apt-get install xvfb");
        Packages.requireTool("xwininfo", "it finds the app's window; Debian: apt-get install x11-utils");
        Packages.requireTool("xwd", "it takes the screenshot; Debian: apt-get install x11-apps");
        Path home = Files.createDirectories(temp.resolve("home"));
        Path log = temp.resolve("desktop.log");
        ProcessBuilder builder = new ProcessBuilder(launcher.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("DISPLAY", display);
        builder.environment().put("HOME", home.toString());
        builder.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        // its own settings folder, and any free port for the agent's local admin API
        builder.environment().put("JAVA_TOOL_OPTIONS",
                "-Dflux.desktop.configDir=" + home.resolve("flux") + " -Dflux.desktop.adminPort=0");
        Process app = builder.start();
        try {
            Matcher window = awaitWindow(app, log, Duration.ofSeconds(90));
            int width = Integer.parseInt(window.group(1));
            int height = Integer.parseInt(window.group(2));
            int x = Integer.parseInt(window.group(3));
            int y = Integer.parseInt(window.group(4));
            assertThat(width).isGreaterThanOrEqualTo(800);
            assertThat(height).isGreaterThanOrEqualTo(500);

            // The window exists before JavaFX has drawn it: wait until its area shows a real screen.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int colors;
            BufferedImage shot;
            do {
                Thread.sleep(1000);
                Path dump = temp.resolve("screen.xwd");
                Proc.ok("sh", "-c", "xwd -display \"$0\" -root -silent > \"$1\"", display, dump.toString());
                shot = Xwd.read(dump);
                colors = distinctColors(shot, x, y, width, height);
            } while (colors < 16 && System.nanoTime() < deadline);
            ImageIO.write(shot, "png", screenshot.toFile());
            System.out.println("desktop screenshot: " + screenshot);
            assertThat(colors).as("colours in the window's area of %s (a drawn screen has many)", screenshot)
                    .isGreaterThanOrEqualTo(16);
            assertThat(app.isAlive()).as("the app keeps running; its log:\n%s", Files.readString(log)).isTrue();
            if (trayIcon) {
                // AWT adds the icon on its own thread: wait for it to be embedded and drawn.
                long trayDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                String tree;
                int blue = 0;
                do {
                    tree = Proc.ok("xwininfo", "-display", display, "-root", "-tree");
                    Matcher icon = TRAY_ICON.matcher(tree);
                    if (icon.find()) {
                        Path dump = temp.resolve("tray.xwd");
                        Proc.ok("sh", "-c", "xwd -display \"$0\" -root -silent > \"$1\"", display, dump.toString());
                        shot = Xwd.read(dump);
                        blue = bluePixels(shot, Integer.parseInt(icon.group(3)), Integer.parseInt(icon.group(4)),
                                Integer.parseInt(icon.group(1)), Integer.parseInt(icon.group(2)));
                    }
                    if (blue <= 50) {
                        Thread.sleep(500);
                    }
                } while (blue <= 50 && System.nanoTime() < trayDeadline);
                ImageIO.write(shot, "png", screenshot.toFile());
                assertThat(TRAY_ICON.matcher(tree).find()).as("the app's icon embedded in the tray; windows:\n%s",
                        tree).isTrue();
                assertThat(blue).as("pixels of the icon's blue in the tray (%s)", screenshot).isGreaterThan(50);
            }
        } finally {
            Proc.kill(app);
        }
    }

    private Matcher awaitWindow(Process app, Path log, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String tree = Proc.ok("xwininfo", "-display", display, "-root", "-tree");
            Matcher m = MAIN_WINDOW.matcher(tree);
            if (m.find()) {
                return m;
            }
            assertThat(app.isAlive()).as("the app is running; its log:\n%s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("the main window within %s; the app's log:\n%s", timeout,
                    Files.readString(log)).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** Pixels of the tray icon's blue (#2563eb, give or take) in the area. */
    private static int bluePixels(BufferedImage image, int x, int y, int width, int height) {
        int blue = 0;
        for (int i = Math.max(x, 0); i < Math.min(x + width, image.getWidth()); i++) {
            for (int j = Math.max(y, 0); j < Math.min(y + height, image.getHeight()); j++) {
                int rgb = image.getRGB(i, j);
                boolean iconBlue = Math.abs(((rgb >> 16) & 0xff) - 0x25) < 24
                        && Math.abs(((rgb >> 8) & 0xff) - 0x63) < 24 && Math.abs((rgb & 0xff) - 0xeb) < 24;
                blue += iconBlue ? 1 : 0;
            }
        }
        return blue;
    }

    private static int distinctColors(BufferedImage image, int x, int y, int width, int height) {
        Set<Integer> colors = new HashSet<>();
        for (int j = Math.max(0, y); j < Math.min(image.getHeight(), y + height); j += 2) {
            for (int i = Math.max(0, x); i < Math.min(image.getWidth(), x + width); i += 2) {
                colors.add(image.getRGB(i, j));
            }
        }
        return colors.size();
    }
}
