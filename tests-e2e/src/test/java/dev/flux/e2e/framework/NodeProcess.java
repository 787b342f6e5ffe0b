package dev.flux.e2e.framework;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A running {@code gateway-node.jar} with its own directory, fixed ports and a generated certificate. The ports
 * and the data directory stay the same across {@link #restart()}, so a restarted node has the old addresses and
 * the old certificate.
 */
public final class NodeProcess {

    /** The one token the node accepts (name {@code e2e}). */
    public static final String TOKEN = "flx_e2e-token-0123456789abcdef";
    /** HTTP tunnel with subdomain {@code web} are served as {@code web.tunnel.test}. */
    public static final String SUBDOMAIN_HOST = "tunnel.test";

    static final String CONFIG_TEMPLATE = """
            bindAddr = "127.0.0.1"
            bindPort = {{ bindPort }}
            proxyBindAddr = "127.0.0.1"
            publicHost = "127.0.0.1"
            vhostHTTPPort = {{ vhostPort }}
            vhostBindAddr = "127.0.0.1"
            subdomainHost = "{{ subdomainHost }}"
            allowPorts = [ {{ allowPorts }} ]
            dataDir = "node-data"

            [[tokens]]
            name = "e2e"
            token = "{{ token }}"
            """;

    /** The node part of a node managed by a control plane: no tokens of its own. */
    static final String CONTROL_PLANE_CONFIG_TEMPLATE = """
            bindAddr = "127.0.0.1"
            bindPort = {{ bindPort }}
            proxyBindAddr = "127.0.0.1"
            publicHost = "127.0.0.1"
            vhostHTTPPort = {{ vhostPort }}
            vhostBindAddr = "127.0.0.1"
            subdomainHost = "{{ subdomainHost }}"
            allowPorts = [ { start = 20000, end = 29999 } ]
            dataDir = "node-data"

            [controlPlane]
            url = "{{ controlPlaneUrl }}"
            credential = "{{ credential }}"
            """;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** "node ready" comes after the listeners are bound; this only catches a node that says so too early. */
    private static final Duration PORT_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern READY = Pattern.compile("node ready: ");
    private static final Pattern FINGERPRINT = Pattern.compile("TLS certificate.* fingerprint: (SHA256:[A-Za-z0-9+/=]+)");

    private final FluxProcesses processes;
    private final String name;
    private final Path dir;
    private final Path configFile;
    private final int bindPort;
    private final int vhostPort;
    private ManagedProcess process;
    private int launches;
    private String fingerprint;

    private NodeProcess(FluxProcesses processes, String name, Path dir, int bindPort, int vhostPort) {
        this.processes = processes;
        this.name = name;
        this.dir = dir;
        this.configFile = dir.resolve("node.toml");
        this.bindPort = bindPort;
        this.vhostPort = vhostPort;
    }

    static NodeProcess start(FluxProcesses processes, String name, Path parentDir, List<Integer> allowPorts) {
        return start(processes, name, parentDir, allowPorts, "");
    }

    /** @param topLevelConfig lines put first in node.toml: top-level keys (tables as arrays of inline tables) */
    static NodeProcess start(FluxProcesses processes, String name, Path parentDir, List<Integer> allowPorts,
                             String topLevelConfig) {
        Path dir = parentDir.resolve(name);
        NodeProcess node = new NodeProcess(processes, name, dir, Ports.free(), Ports.free());
        String ports = allowPorts.stream().map(p -> "{ single = " + p + " }").collect(Collectors.joining(", "));
        node.writeConfigAndLaunch(topLevelConfig + Template.render(CONFIG_TEMPLATE, Map.of(
                "bindPort", node.bindPort,
                "vhostPort", node.vhostPort,
                "subdomainHost", SUBDOMAIN_HOST,
                "allowPorts", ports,
                "token", TOKEN)));
        return node;
    }

    static NodeProcess startManaged(FluxProcesses processes, String name, Path parentDir,
                                    ControlPlaneProcess controlPlane, String credential) {
        return startManaged(processes, name, parentDir, controlPlane, credential, "");
    }

    static NodeProcess startManaged(FluxProcesses processes, String name, Path parentDir,
                                    ControlPlaneProcess controlPlane, String credential, String topLevelConfig) {
        return startManaged(processes, name, parentDir, controlPlane, credential, topLevelConfig, SUBDOMAIN_HOST);
    }

    static NodeProcess startManaged(FluxProcesses processes, String name, Path parentDir,
                                    ControlPlaneProcess controlPlane, String credential, String topLevelConfig,
                                    String subdomainHost) {
        Path dir = parentDir.resolve(name);
        NodeProcess node = new NodeProcess(processes, name, dir, Ports.free(), Ports.free());
        node.writeConfigAndLaunch(topLevelConfig + Template.render(CONTROL_PLANE_CONFIG_TEMPLATE, Map.of(
                "bindPort", node.bindPort,
                "vhostPort", node.vhostPort,
                "subdomainHost", subdomainHost,
                "controlPlaneUrl", controlPlane.url(),
                "credential", credential)));
        return node;
    }

    private void writeConfigAndLaunch(String config) {
        try {
            Files.createDirectories(dir);
            Files.writeString(configFile, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
        launch();
    }

    private void launch() {
        launches++;
        String processName = launches == 1 ? name : name + " (start " + launches + ")";
        List<String> command = FluxJars.node("--config", configFile.toString());
        process = process == null ? processes.start(processName, command, dir)
                : processes.restart(process, processName, command, dir, Map.of());
        fingerprint = process.awaitLine(FINGERPRINT, START_TIMEOUT).group(1);
        process.awaitLine(READY, START_TIMEOUT);
        Ports.awaitListening(bindPort, PORT_TIMEOUT);
        Ports.awaitListening(vhostPort, PORT_TIMEOUT);
    }

    /** Kills the node at once (SIGKILL): no goodbye to its agents, as in a crash. */
    public void kill() {
        process.kill();
    }

    /** Starts the node again with the same configuration file (ports, data directory) and waits until ready. */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running; kill() it first");
        }
        launch();
    }

    /** The port that serves HTTP tunnels by Host header. */
    public int vhostPort() {
        return vhostPort;
    }

    /** The fingerprint of the node's certificate as it logged it, {@code SHA256:...}. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The node's current process (a new one after each restart). */
    public ManagedProcess process() {
        return process;
    }

    /** The values an agent configuration needs to reach and trust this node. */
    Map<String, Object> agentDefaults() {
        return Map.of("serverPort", bindPort, "token", TOKEN, "fingerprint", fingerprint);
    }
}
