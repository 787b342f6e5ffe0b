package dev.flux.e2e.framework;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A running {@code control-plane.jar} on its embedded PostgreSQL, with a data directory and a port that stay the
 * same across {@link #restart()}. The administrator's first password is set through {@code FLUX_ADMIN_PASSWORD}.
 */
public final class ControlPlaneProcess {

    private static final Pattern ADMIN_CREATED = Pattern.compile("First start: created the administrator");
    /** The administrator's first (one-time) password. */
    public static final String ADMIN_PASSWORD = "e2e-first-admin-password";

    /** Unpacking PostgreSQL, initdb and the migrations on a first start take a while on a busy 2-core machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern STARTED = Pattern.compile("Started ControlPlaneApplication");

    private final FluxProcesses processes;
    private final String name;
    private final Path dir;
    private final int port;
    private ManagedProcess process;
    private int launches;

    private ControlPlaneProcess(FluxProcesses processes, String name, Path dir, int port) {
        this.processes = processes;
        this.name = name;
        this.dir = dir;
        this.port = port;
    }

    static ControlPlaneProcess start(FluxProcesses processes, String name, Path parentDir) {
        Path dir = parentDir.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        ControlPlaneProcess controlPlane = new ControlPlaneProcess(processes, name, dir, Ports.free());
        controlPlane.launch();
        return controlPlane;
    }

    private void launch() {
        launches++;
        String processName = launches == 1 ? name : name + " (start " + launches + ")";
        List<String> command = FluxJars.controlPlane(
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--flux.control-plane.data-dir=" + dir.resolve("postgres"));
        Map<String, String> env = Map.of("FLUX_ADMIN_PASSWORD", ADMIN_PASSWORD);
        process = process == null ? processes.start(processName, command, dir, env)
                : processes.restart(process, processName, command, dir, env);
        process.awaitLine(STARTED, START_TIMEOUT);
        if (launches == 1) {
            // the administrator is created once the application has started: signing in before that is refused
            process.awaitLine(ADMIN_CREATED, START_TIMEOUT);
        }
        Ports.awaitListening(port, Duration.ofSeconds(2));
    }

    /**
     * Stops the control plane the way an operator does (SIGTERM), waiting for it to be gone: it stops its
     * PostgreSQL cleanly, which takes seconds on a busy machine.
     */
    public void stop() {
        process.stopAndAwaitExit(STOP_TIMEOUT);
    }

    /** Starts the control plane again with the same port and data directory and waits until it serves. */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running; stop() it first");
        }
        launch();
    }

    /** {@code http://127.0.0.1:PORT} */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public ManagedProcess process() {
        return process;
    }
}
