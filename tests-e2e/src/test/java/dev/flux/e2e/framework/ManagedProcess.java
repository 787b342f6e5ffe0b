package dev.flux.e2e.framework;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A started program whose stdout and stderr are read into memory line by line, so that a test can wait for a log
 * line and the output can be shown when the test fails. Started and stopped by {@link FluxProcesses}.
 */
public final class ManagedProcess {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(25);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int TAIL_LINES = 15;

    /** One line of output; {@code stderr} tells which stream it came from. */
    public record Line(boolean stderr, String text) {
    }

    private final String name;
    private final List<String> command;
    private final Process process;
    private final List<Line> lines = new ArrayList<>();
    private final CountDownLatch streamsDone = new CountDownLatch(2);

    private ManagedProcess(String name, List<String> command, Process process) {
        this.name = name;
        this.command = List.copyOf(command);
        this.process = process;
    }

    static ManagedProcess start(String name, List<String> command, Path workDir, Map<String, String> environment) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
        try {
            process.getOutputStream().close(); // nothing to say to it: stdin at EOF
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("cannot close the stdin of " + name, e);
        }
        ManagedProcess p = new ManagedProcess(name, command, process);
        p.capture(process.getInputStream(), false);
        p.capture(process.getErrorStream(), true);
        return p;
    }

    private void capture(InputStream stream, boolean stderr) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(new Line(stderr, line));
                    }
                }
            } catch (IOException e) {
                synchronized (lines) {
                    lines.add(new Line(true, "[e2e: reading the output failed: " + e + "]"));
                }
            } finally {
                streamsDone.countDown();
            }
        }, name + (stderr ? "-stderr" : "-stdout"));
        reader.setDaemon(true);
        reader.start();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every line read so far, from both streams, in the order they were read. */
    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * Waits for a line matching {@code pattern} (a {@code find}, not a full match) on stdout or stderr.
     *
     * @throws AssertionError with the last lines of output, when no such line came within the timeout or the
     *     process ended without printing one
     */
    public Matcher awaitLine(Pattern pattern, Duration timeout) {
        AtomicReference<Matcher> found = new AtomicReference<>();
        try {
            await(name + " to print a line matching /" + pattern + "/")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL_INTERVAL)
                    .failFast(() -> outputComplete() && find(pattern) == null)
                    .until(() -> {
                        found.set(find(pattern));
                        return found.get() != null;
                    });
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            String what = process.isAlive()
                    ? name + " printed no line matching /" + pattern + "/ within " + timeout.toMillis() + " ms"
                    : name + " exited with code " + process.exitValue() + " without printing a line matching /"
                      + pattern + "/";
            throw new AssertionError(what + "; its last lines:\n" + tail(TAIL_LINES), e);
        }
        return found.get();
    }

    /** The last {@code n} lines of output, indented, for failure messages. */
    String tail(int n) {
        List<Line> all = lines();
        StringBuilder out = new StringBuilder();
        for (Line line : all.subList(Math.max(0, all.size() - n), all.size())) {
            out.append("  ").append(line.stderr() ? "! " : "| ").append(line.text()).append('\n');
        }
        return out.toString();
    }

    private Matcher find(Pattern pattern) {
        for (Line line : lines()) {
            Matcher m = pattern.matcher(line.text());
            if (m.find()) {
                return m;
            }
        }
        return null;
    }

    /** Waits for the process to exit and its output to be read; returns the exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " (pid " + pid() + ") was still running after " + timeout.toMillis()
                        + " ms; expected it to exit. Its last lines:\n" + tail(TAIL_LINES));
            }
            streamsDone.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name + " to exit", e);
        }
        return process.exitValue();
    }

    private boolean outputComplete() {
        return !process.isAlive() && streamsDone.getCount() == 0;
    }

    /** Kills the process at once (SIGKILL), as a crash or an OOM killer would, and waits for it to be gone. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitForExit();
    }

    /**
     * Asks the process to stop (SIGTERM) and returns its exit code; kills it (and fails the assertion on the code
     * that follows) if it is still running after {@code timeout}.
     */
    public int stopAndAwaitExit(Duration timeout) {
        stop(timeout);
        return awaitExit(STOP_TIMEOUT);
    }

    /** Asks the process to stop (SIGTERM); kills it if it is still running after a few seconds. */
    void stop() {
        stop(STOP_TIMEOUT);
    }

    private void stop(Duration timeout) {
        if (!process.isAlive()) {
            waitForExit();
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                synchronized (lines) {
                    lines.add(new Line(true, "[e2e: still running " + timeout.toSeconds()
                            + " s after SIGTERM; killing it]"));
                }
                kill();
            }
            streamsDone.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    private void waitForExit() {
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            streamsDone.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A header line for printed output: name, pid, state, command. */
    String describe() {
        String state = process.isAlive() ? "running" : "exited with code " + process.exitValue();
        return name + " (pid " + pid() + ", " + state + "): " + String.join(" ", command);
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
