package dev.flux.e2e.framework;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the programs under test for a test class and cleans up after it. Register it as a {@code static}
 * {@code @RegisterExtension} field:
 *
 * <ul>
 *   <li>processes started in {@code @BeforeAll} belong to the class and are stopped after the last test;
 *       processes started in a test (or {@code @BeforeEach}) are stopped after that test;</li>
 *   <li>when a test fails, the output of every process it could have talked to is printed (surefire keeps it in
 *       {@code target/surefire-reports/*-output.txt}); a passing test prints nothing;</li>
 *   <li>when a process's output reports a Netty leak ({@code LEAK:}), the test (or class) that stops it fails.</li>
 * </ul>
 *
 * <p>Not for parallel test execution: one test at a time per instance.
 */
public final class FluxProcesses implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private static final String LEAK_MARKER = "LEAK: ";

    private final List<ManagedProcess> classProcesses = new ArrayList<>();
    private final List<ManagedProcess> testProcesses = new ArrayList<>();
    private final Map<String, Integer> namesUsed = new HashMap<>();
    private boolean inTest;

    /** Starts a node that allows TCP tunnels on exactly {@code allowPorts}; returns when it is ready. */
    public NodeProcess startNode(Path dir, int... allowPorts) {
        return NodeProcess.start(this, uniqueName("node"), dir, IntStream.of(allowPorts).boxed().toList());
    }

    /**
     * Like {@link #startNode(Path, int...)}, with lines put first in its node.toml: top-level keys, tables written as
     * arrays of inline tables (e.g. {@code certificates = [{ domains = [...], certFile = "..." }]}).
     */
    public NodeProcess startNode(Path dir, String topLevelConfig, int... allowPorts) {
        return NodeProcess.start(this, uniqueName("node"), dir, IntStream.of(allowPorts).boxed().toList(),
                topLevelConfig);
    }

    /** Like {@link #startNode(Path, ControlPlaneProcess, String)}, with lines put first in its node.toml. */
    public NodeProcess startNode(Path dir, ControlPlaneProcess controlPlane, String credential,
                                 String topLevelConfig) {
        return NodeProcess.startManaged(this, uniqueName("node"), dir, controlPlane, credential, topLevelConfig);
    }

    /**
     * Like {@link #startNode(Path, ControlPlaneProcess, String, String)}, serving HTTP tunnels under
     * {@code subdomainHost} (register the node with the same one: {@link ControlPlaneClient#createNode(String,
     * String)}).
     */
    public NodeProcess startNode(Path dir, ControlPlaneProcess controlPlane, String credential,
                                 String topLevelConfig, String subdomainHost) {
        return NodeProcess.startManaged(this, uniqueName("node"), dir, controlPlane, credential, topLevelConfig,
                subdomainHost);
    }

    /** Starts a control plane on its embedded PostgreSQL; returns when it serves. */
    public ControlPlaneProcess startControlPlane(Path dir) {
        return ControlPlaneProcess.start(this, uniqueName("control-plane"), dir);
    }

    /** Starts a node managed by {@code controlPlane} with the node credential it issued; returns when ready. */
    public NodeProcess startNode(Path dir, ControlPlaneProcess controlPlane, String credential) {
        return NodeProcess.startManaged(this, uniqueName("node"), dir, controlPlane, credential);
    }

    /**
     * Starts {@code fluxctl ARGS} with {@code configDir} as its configuration directory (where {@code fluxctl login}
     * keeps credentials); returns at once.
     */
    public ManagedProcess startFluxctl(Path dir, Path configDir, String... args) {
        return start(uniqueName("fluxctl-" + args[0]), FluxJars.fluxctl(args), dir,
                Map.of("FLUX_CONFIG_DIR", configDir.toString()));
    }

    /** Starts one of the repository's scripts (e.g. {@code flux-local}) with bash; returns at once. */
    public ManagedProcess startScript(String script, Path dir, Map<String, String> env) {
        return start(uniqueName(script), List.of("bash", FluxJars.repositoryFile(script).toString()), dir, env);
    }

    /** Starts {@code fluxctl up} against {@code node}; returns at once. See {@link AgentProcess#CONFIG_TEMPLATE}. */
    public AgentProcess startAgent(Path dir, NodeProcess node, String tunnelsTemplate, Map<String, ?> values) {
        return startAgent("fluxctl", dir, node, tunnelsTemplate, values);
    }

    /** Like {@link #startAgent(Path, NodeProcess, String, Map)}, with a name for logs and directories. */
    public AgentProcess startAgent(String name, Path dir, NodeProcess node, String tunnelsTemplate,
                                   Map<String, ?> values) {
        return AgentProcess.start(this, uniqueName(name), dir, node, tunnelsTemplate, values);
    }

    /**
     * Starts a program inside the network namespace {@code netns} ({@code ip netns exec}, which needs root); returns
     * at once. {@code program} is {@code node}, {@code fluxctl}, or the name of a main class of the test classpath
     * (a test tool such as a service or client that must run inside the namespace too).
     */
    public ManagedProcess startInNamespace(String netns, String name, Path dir, String program, String... args) {
        return startInNamespace(netns, name, dir, Map.of(), program, args);
    }

    /** Like {@link #startInNamespace(String, String, Path, String, String...)}, with extra environment variables. */
    public ManagedProcess startInNamespace(String netns, String name, Path dir, Map<String, String> env,
                                           String program, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", netns));
        command.addAll(switch (program) {
            case "node" -> FluxJars.node(args);
            case "fluxctl" -> FluxJars.fluxctl(args);
            default -> FluxJars.testTool(program, args);
        });
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir, e);
        }
        return start(uniqueName(name), command, dir, env);
    }

    synchronized ManagedProcess start(String name, List<String> command, Path workDir) {
        return start(name, command, workDir, Map.of());
    }

    synchronized ManagedProcess start(String name, List<String> command, Path workDir, Map<String, String> env) {
        ManagedProcess process = ManagedProcess.start(name, command, workDir, env);
        (inTest ? testProcesses : classProcesses).add(process);
        return process;
    }

    /**
     * Starts a process again in place of {@code previous}: it belongs where {@code previous} did, so a class's node
     * restarted by one test is still there for the next.
     */
    synchronized ManagedProcess restart(ManagedProcess previous, String name, List<String> command, Path workDir,
                                        Map<String, String> env) {
        ManagedProcess process = ManagedProcess.start(name, command, workDir, env);
        (classProcesses.contains(previous) ? classProcesses : testProcesses).add(process);
        return process;
    }

    private synchronized String uniqueName(String base) {
        int n = namesUsed.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "-" + n;
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        inTest = true;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<ManagedProcess> started;
        synchronized (this) {
            inTest = false;
            started = List.copyOf(testProcesses);
            testProcesses.clear();
        }
        started.forEach(ManagedProcess::stop);
        if (context.getExecutionException().isPresent()) {
            List<ManagedProcess> all = new ArrayList<>(classProcesses);
            all.addAll(started);
            print(context.getDisplayName(), all);
        }
        failOnLeaks(started);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<ManagedProcess> started;
        synchronized (this) {
            started = List.copyOf(classProcesses);
            classProcesses.clear();
        }
        started.forEach(ManagedProcess::stop);
        if (context.getExecutionException().isPresent()) {
            print(context.getDisplayName(), started);
        }
        failOnLeaks(started);
    }

    private static void failOnLeaks(List<ManagedProcess> stopped) {
        StringBuilder leaks = new StringBuilder();
        for (ManagedProcess p : stopped) {
            List<String> reports = p.lines().stream().map(ManagedProcess.Line::text)
                    .filter(text -> text.contains(LEAK_MARKER)).toList();
            if (!reports.isEmpty()) {
                print("leak in " + p.name(), List.of(p));
                leaks.append('\n').append(p.name()).append(" reported:");
                reports.forEach(r -> leaks.append("\n  ").append(r));
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported leaked buffers in a process under test (its whole output is "
                    + "printed above the test's output):" + leaks);
        }
    }

    private static void print(String testName, List<ManagedProcess> processes) {
        PrintStream out = System.out;
        for (ManagedProcess p : processes) {
            out.println("===== e2e: " + testName + ": output of " + p.describe() + " =====");
            for (ManagedProcess.Line line : p.lines()) {
                out.println(p.name() + (line.stderr() ? " ! " : " | ") + line.text());
            }
            out.println("===== end of " + p.name() + " =====");
        }
        out.flush();
    }
}
