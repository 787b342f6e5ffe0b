package dev.flux.e2e.framework;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The programs under test, as surefire names them ({@code flux.nodeJar}, {@code flux.fluxctlJar}; see the pom),
 * and how a test starts them: with the {@code java} of the test JVM and a small heap.
 */
final class FluxJars {

    /**
     * Less heap and direct memory than the largest body the tests send (100 MiB), so a program that held a whole
     * body instead of streaming it would fail. Netty's leak detector samples with access records, and
     * {@link FluxProcesses} fails a test whose processes report a leak.
     */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx96m", "-XX:MaxDirectMemorySize=96m",
            "-XX:+UseSerialGC", "-Xshare:auto", "-Dio.netty.leakDetection.level=advanced");
    /** fluxctl is short-lived in most tests: start it fast rather than run it fast. */
    private static final List<String> FLUXCTL_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

    private FluxJars() {
    }

    static List<String> node(String... args) {
        return command(jar("flux.nodeJar", "gateway-node"), List.of(), args);
    }

    /**
     * The control plane is a Spring Boot application with a PostgreSQL of its own: it gets the heap it needs, not
     * the small one that proves the tunnel programs stream.
     */
    static List<String> controlPlane(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        command.add("-jar");
        command.add(jar("flux.controlPlaneJar", "control-plane").toString());
        command.addAll(List.of(args));
        return command;
    }

    static List<String> fluxctl(String... args) {
        return command(jar("flux.fluxctlJar", "client-cli"), FLUXCTL_JVM_OPTIONS, args);
    }

    /** A main class of the test classpath, run with the test JVM's {@code java} and a small heap. */
    static List<String> testTool(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> command(Path jar, List<String> extraJvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(extraJvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return command;
    }

    /** A file of the repository under test, e.g. a script at its root. */
    static Path repositoryFile(String name) {
        String root = System.getProperty("flux.repositoryRoot");
        if (root == null) {
            throw new IllegalStateException("system property flux.repositoryRoot is not set; run the e2e tests with "
                    + "./mvnw -pl tests-e2e verify, which sets it (see tests-e2e/pom.xml)");
        }
        return Path.of(root).toAbsolutePath().normalize().resolve(name);
    }

    private static Path jar(String property, String module) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set; run the e2e tests with "
                    + "./mvnw -pl tests-e2e verify, which sets it (see tests-e2e/pom.xml)");
        }
        Path jar = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(property + " = " + jar + " does not exist; build it first with "
                    + "./mvnw -B -q -o install -DskipTests (module " + module + ")");
        }
        return jar;
    }
}
