package dev.flux.cli;

import dev.flux.client.Agent;
import dev.flux.client.config.AgentConfig;
import dev.flux.client.config.AgentConfigLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fluxctl up}: runs the agent in the foreground until {@link #stop()} (Ctrl-C and SIGTERM call it through a
 * shutdown hook) or until the agent fails for good, which ends the command with that failure's exit code.
 */
@Command(name = "up", description = {
    "Open the tunnels of the configuration file and keep them open until Ctrl-C.",
    "Reconnects by itself when the connection to the node drops. On stdout, one line per event:",
    "  connected to node HOST:PORT",
    "  disconnected: DETAIL",
    "  [NAME] tunnel ready URL...",
    "  [NAME] tunnel rejected: REASON",
    "On a terminal, a live status of every tunnel stays below them."})
final class UpCommand implements Callable<Integer> {

    /** How long the shutdown hook lets {@code up} close the agent and report its exit code. */
    private static final long SHUTDOWN_GRACE_SECONDS = 10;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Option(names = {"-v", "--verbose"},
            description = "Log what the agent does (INFO) on stderr, with the stack traces of unexpected errors.")
    boolean verbose;

    private volatile CompletableFuture<Void> stopRequested = new CompletableFuture<>();

    /**
     * Asks a running {@code up} to close the agent and return {@link ExitCodes#OK}; returns at once. Called before
     * {@code up} starts, it makes the next run stop as soon as it has started.
     */
    void stop() {
        stopRequested.complete(null);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (verbose) {
            LogLevels.verbose();
        }
        AgentConfig agentConfig = AgentConfigLoader.load(config.file);
        String node = agentConfig.serverAddr() + ":" + agentConfig.serverPort();
        Thread caller = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop();
            // Waits for the thread running `up`, not only for call() to return: FluxCtl.main ends the JVM on that
            // thread with up's exit code, and must get there before this hook returns, or the JVM exits with the
            // signal's status (130, 143) instead.
            joinQuietly(caller);
        }, "fluxctl-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (AgentConsole console = new AgentConsole(spec.commandLine().getOut(), node, Terminal.isInteractive())) {
            run(new Agent(agentConfig, console), console);
        } finally {
            stopRequested = new CompletableFuture<>();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is exiting: the hook stopped this run and waits for FluxCtl.main to end the JVM.
            }
        }
        return ExitCodes.OK;
    }

    private void run(Agent agent, AgentConsole console) throws InterruptedException {
        console.showStatus(agent::status);
        agent.start();
        try {
            CompletableFuture.anyOf(agent.terminated(), stopRequested).get();
        } catch (ExecutionException e) {
            // Only terminated() fails: the agent met an error retrying cannot fix and has already stopped itself.
            throw e.getCause() instanceof RuntimeException fatal ? fatal : new IllegalStateException(e.getCause());
        } finally {
            if (!agent.terminated().isDone()) {
                console.stopping();
                agent.close();
            }
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(SHUTDOWN_GRACE_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
