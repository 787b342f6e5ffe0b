package dev.flux.e2e.framework;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** A running {@code fluxctl up -c flux.toml}. */
public final class AgentProcess {

    /**
     * The head of every agent configuration: where the node is and how to trust it. A test appends its
     * {@code [[tunnels]]} and may override any value, e.g. {@code token} to try a wrong one.
     */
    static final String CONFIG_TEMPLATE = """
            serverAddr = "127.0.0.1"
            serverPort = {{ serverPort }}
            token = "{{ token }}"

            [tls]
            fingerprint = "{{ fingerprint }}"

            """;

    /** Connecting, logging in and registering tunnels takes a JVM start and a TLS handshake. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final ManagedProcess process;

    private AgentProcess(ManagedProcess process) {
        this.process = process;
    }

    static AgentProcess start(FluxProcesses processes, String name, Path parentDir, NodeProcess node,
                              String tunnels, Map<String, ?> values) {
        Map<String, Object> all = new HashMap<>(node.agentDefaults());
        all.putAll(values);
        String config = Template.render(CONFIG_TEMPLATE + tunnels, all);
        Path dir = parentDir.resolve(name);
        Path file = dir.resolve("flux.toml");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return new AgentProcess(processes.start(name, FluxJars.fluxctl("up", "--verbose", "-c", file.toString()), dir));
    }

    /** Waits for {@code [NAME] tunnel ready URL} and returns the URL. */
    public URI awaitTunnelReady(String tunnel) {
        return URI.create(process.awaitLine(tunnelLine(tunnel, "tunnel ready (\\S+)"), READY_TIMEOUT).group(1));
    }

    /** Waits for {@code [NAME] tunnel rejected: REASON} and returns the reason. */
    public String awaitTunnelRejected(String tunnel) {
        return process.awaitLine(tunnelLine(tunnel, "tunnel rejected: (.+)"), READY_TIMEOUT).group(1);
    }

    private static Pattern tunnelLine(String tunnel, String rest) {
        return Pattern.compile("\\[" + Pattern.quote(tunnel) + "] " + rest);
    }

    /** Waits for fluxctl to exit; returns its exit code. */
    public int awaitExit(Duration timeout) {
        return process.awaitExit(timeout);
    }

    public ManagedProcess process() {
        return process;
    }
}
