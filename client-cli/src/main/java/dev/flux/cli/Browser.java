package dev.flux.cli;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Opens a URL in the user's browser when there is a desktop to open it on; never fails. */
final class Browser {

    private Browser() {
    }

    /** Tries to open {@code url}; false when there is no desktop or no opener, or it failed. */
    static boolean open(String url) {
        List<String> command = command(System.getProperty("os.name", ""), url);
        if (command == null) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            // xdg-open returns once the browser is asked; a non-zero status means it could not find one
            return !p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The opener for this system, or null when there is no desktop (an ssh session, a container). */
    static List<String> command(String osName, String url) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return List.of("rundll32", "url.dll,FileProtocolHandler", url);
        }
        if (os.startsWith("mac")) {
            return List.of("open", url);
        }
        boolean desktop = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
        if (!desktop || !onPath("xdg-open")) {
            return null;
        }
        return List.of("xdg-open", url);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
