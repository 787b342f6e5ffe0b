package dev.flux.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;

/**
 * How to start this same fluxctl again, for a service manager's command line: the packaged {@code bin/fluxctl}
 * launcher when fluxctl runs from its own runtime image, else {@code java -jar fluxctl.jar}, else (from a build
 * tree) {@code java -cp CLASSPATH dev.flux.cli.FluxCtl}. A launcher script may name itself with
 * {@code -Dfluxctl.launcher=PATH}, which wins.
 */
final class FluxctlLauncher {

    /** The system property a packaged launcher sets to its own absolute path. */
    static final String LAUNCHER_PROPERTY = "fluxctl.launcher";

    private FluxctlLauncher() {
    }

    static List<String> command() {
        String declared = System.getProperty(LAUNCHER_PROPERTY);
        if (declared != null && !declared.isBlank()) {
            return List.of(Path.of(declared).toAbsolutePath().toString());
        }
        Path javaHome = Path.of(System.getProperty("java.home"));
        for (String name : List.of("fluxctl", "fluxctl.bat", "fluxctl.exe")) {
            Path packaged = javaHome.resolve("bin").resolve(name);
            if (Files.isRegularFile(packaged)) {
                return List.of(packaged.toString());
            }
        }
        String java = javaHome.resolve("bin").resolve(isWindows() ? "java.exe" : "java").toString();
        Path codeSource = codeSource();
        if (codeSource != null && codeSource.toString().endsWith(".jar")) {
            return List.of(java, "-jar", codeSource.toString());
        }
        return List.of(java, "-cp", System.getProperty("java.class.path"), FluxCtl.class.getName());
    }

    private static Path codeSource() {
        CodeSource source = FluxCtl.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            // Not a file (a custom class loader): the class path fallback still starts the same classes.
            return null;
        }
    }

    static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
