package dev.flux.desktop.settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * "Start at sign-in" on Linux desktops: an XDG autostart entry, {@code $XDG_CONFIG_HOME/autostart/flux-desktop.desktop}
 * (else {@code ~/.config/autostart}), which GNOME, KDE, Xfce and the others run when the user signs in. macOS and
 * Windows are described in docs/desktop.md.
 */
public final class Autostart {

    public static final String FILE_NAME = "flux-desktop.desktop";

    private final Path file;
    private final String command;

    /**
     * @param command the command line that starts the app, e.g. {@code "/usr/bin/java" -jar "/opt/flux/flux-desktop.jar"}
     */
    public Autostart(Path autostartDir, String command) {
        this.file = autostartDir.resolve(FILE_NAME);
        this.command = command;
    }

    /** The autostart directory of the XDG base directory specification. */
    public static Path directory(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config")).resolve("autostart");
    }

    public Path file() {
        return file;
    }

    public boolean isEnabled() {
        return Files.isRegularFile(file);
    }

    /** Writes or deletes the entry. */
    public void set(boolean enabled) {
        try {
            if (!enabled) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, """
                    [Desktop Entry]
                    Type=Application
                    Name=FLUX Gateway
                    Comment=Keeps your FLUX tunnels open
                    Exec=%s
                    Terminal=false
                    X-GNOME-Autostart-enabled=true
                    """.formatted(command), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot " + (enabled ? "write" : "delete")
                    + " the autostart entry: " + e.getMessage(), e);
        }
    }
}
