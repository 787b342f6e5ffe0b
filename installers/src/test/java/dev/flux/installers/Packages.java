package dev.flux.installers;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Where the package phase put the images and packages, and what it skipped (installers/target/installers). */
final class Packages {

    private Packages() {
    }

    static Path dir() {
        return Path.of(System.getProperty("flux.installers.dir", "target/installers")).toAbsolutePath();
    }

    /** The Maven version, e.g. 0.1.0-SNAPSHOT. */
    static String version() {
        return System.getProperty("flux.version", "0.1.0-SNAPSHOT");
    }

    /** The Debian version: 0.1.0-SNAPSHOT is 0.1.0~SNAPSHOT. */
    static String debVersion() {
        return version().replace('-', '~');
    }

    static String arch() {
        if (Proc.onPath("dpkg")) {
            return Proc.run(Proc.SHORT, "dpkg", "--print-architecture").out().strip();
        }
        return "amd64";
    }

    static Path deb(String packageName) {
        return dir().resolve(packageName + "_" + debVersion() + "_" + arch() + ".deb");
    }

    static Path repositoryRoot() {
        return Path.of(System.getProperty("flux.repositoryRoot", "..")).toAbsolutePath().normalize();
    }

    /**
     * The artifact at {@code file}; when the package phase skipped it (a tool was missing), the test is skipped with
     * the reason it printed. An artifact missing without a reason fails the test.
     */
    static Path require(String skipKey, Path file) {
        if (Files.exists(file)) {
            return file;
        }
        Path reason = dir().resolve("skipped").resolve(skipKey);
        if (Files.exists(reason)) {
            String why;
            try {
                why = Files.readString(reason).strip();
            } catch (IOException e) {
                why = "see " + reason;
            }
            System.out.println("SKIPPED " + skipKey + ": " + why);
            Assumptions.abort(skipKey + " was not built: " + why);
        }
        return fail("%s was not built and the build recorded no reason (expected %s, or %s)", skipKey, file, reason);
    }

    /** Skips the calling test, printing why, when {@code tool} is not on the PATH. */
    static void requireTool(String tool, String why) {
        if (!Proc.onPath(tool)) {
            System.out.println("SKIPPED: " + tool + " was not found on the PATH (" + why + ")");
            Assumptions.abort(tool + " was not found on the PATH (" + why + ")");
        }
    }
}
