package dev.flux.cli;

import dev.flux.client.Agent;
import dev.flux.client.AgentListener;
import dev.flux.client.ControlPlaneAgent;
import dev.flux.client.HttpExchangeListener;
import dev.flux.client.inspect.InspectionConfig;
import dev.flux.client.inspect.RequestCapture;
import dev.flux.client.inspect.RequestInspector;
import dev.flux.client.TunnelStatus;
import dev.flux.client.admin.AdminTunnel;
import dev.flux.client.admin.LocalAdminServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs an agent in the foreground for {@code up}, {@code http} and {@code tunnel add --run}: the console, the local
 * admin API, and a shutdown hook so that Ctrl-C and SIGTERM stop it cleanly. Ends when {@link #stop()} is called
 * (returning normally) or when the agent fails for good (throwing that failure, which {@link ExitCodes} maps).
 */
final class ForegroundRun {

    /** How long the shutdown hook lets the command close the agent, clean up and report its exit code. */
    private static final long SHUTDOWN_GRACE_SECONDS = 10;

    /** The running agent, whichever kind. */
    record Target(Runnable start, CompletableFuture<Void> terminated, Supplier<List<TunnelStatus>> status,
                  Supplier<List<AdminTunnel>> adminStatus, Runnable sync, Runnable close,
                  Consumer<HttpExchangeListener> observeHttp) {

        static Target of(Agent agent) {
            return new Target(agent::start, agent.terminated(), agent::status,
                    () -> agent.status().stream().map(s -> admin(s, s.urls().isEmpty() ? null : s.urls().get(0)))
                            .toList(),
                    null, agent::close, agent::observeHttp);
        }

        static Target of(ControlPlaneAgent agent) {
            return new Target(agent::start, agent.terminated(),
                    () -> agent.status().stream().map(ControlPlaneAgent.ServedTunnel::status).toList(),
                    () -> agent.status().stream().map(t -> admin(t.status(), t.publicUrl())).toList(),
                    agent::syncNow, agent::close, agent::observeHttp);
        }

        /** Where the inspector replays a tunnel's requests and sends its WeChat test messages. */
        Optional<RequestInspector.TunnelTarget> tunnel(String name) {
            for (AdminTunnel t : adminStatus.get()) {
                int colon = t.localTarget().lastIndexOf(':');
                if (t.name().equals(name) && colon > 0) {
                    String host = t.localTarget().substring(0, colon).replace("[", "").replace("]", "");
                    return Optional.of(new RequestInspector.TunnelTarget(host,
                            Integer.parseInt(t.localTarget().substring(colon + 1)), t.publicUrl()));
                }
            }
            return Optional.empty();
        }

        private static AdminTunnel admin(TunnelStatus s, String url) {
            return new AdminTunnel(s.name(), s.type(), s.state().name().toLowerCase(Locale.ROOT), url,
                    s.localAddress(), s.error());
        }
    }

    private volatile CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    private InspectionConfig inspection = InspectionConfig.DEFAULT;
    private Function<AgentConsole, HttpExchangeListener> printer;

    /** What the request inspector keeps, and the WeChat mode of tunnels; applies to the next run. */
    void inspect(InspectionConfig inspection) {
        this.inspection = inspection;
    }

    /** Also prints each HTTP request (as {@code fluxctl http} does); applies to the next run. */
    void printRequests(Function<AgentConsole, HttpExchangeListener> printer) {
        this.printer = printer;
    }

    /**
     * Asks a running agent to stop, and the command to return {@link ExitCodes#OK}; returns at once. Called before
     * the run starts, it makes the next run stop as soon as it has started.
     */
    void stop() {
        stopRequested.complete(null);
    }

    /**
     * @param node      host:port of the node for the event lines, or null when the control plane chooses it
     * @param adminPort port of the local admin API on 127.0.0.1; 0: none
     * @param factory   makes the agent, given the console it reports to
     */
    void run(CommandSpec spec, String node, int adminPort, Function<AgentConsole, Target> factory)
            throws InterruptedException {
        Thread caller = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop();
            // Waits for the thread running the command, not only for run() to return: FluxCtl.main ends the JVM on
            // that thread with the command's exit code, and must get there before this hook returns, or the JVM
            // exits with the signal's status (130, 143) instead.
            joinQuietly(caller);
        }, "fluxctl-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (AgentConsole console = new AgentConsole(spec.commandLine().getOut(), node, Terminal.isInteractive())) {
            Target target = factory.apply(console);
            HttpExchangeListener print = printer == null ? null : printer.apply(console);
            RequestInspector inspector = null;
            if (adminPort != 0 && inspection.settings().enabled()) {
                inspector = new RequestInspector(new RequestCapture(inspection.settings(), print), target::tunnel);
                inspection.wechat().forEach(inspector::wechat);
                target.observeHttp().accept(inspector.capture());
            } else if (print != null) {
                target.observeHttp().accept(print);
            }
            LocalAdminServer admin = adminPort == 0 ? null : startAdmin(adminPort, target, inspector);
            try {
                console.showStatus(target.status());
                target.start().run();
                await(target, console);
            } finally {
                if (admin != null) {
                    admin.close();
                }
            }
        } finally {
            stopRequested = new CompletableFuture<>();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is exiting: the hook stopped this run and waits for FluxCtl.main to end the JVM.
            }
        }
    }

    private static LocalAdminServer startAdmin(int port, Target target, RequestInspector inspector) {
        try {
            return LocalAdminServer.start(port, target.adminStatus(), target.sync(), inspector);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local admin API on 127.0.0.1:" + port + ": "
                    + e.getMessage(), e);
        }
    }

    private void await(Target target, AgentConsole console) throws InterruptedException {
        try {
            CompletableFuture.anyOf(target.terminated(), stopRequested).get();
        } catch (ExecutionException e) {
            // Only terminated() fails: the agent met an error retrying cannot fix and has already stopped itself.
            throw e.getCause() instanceof RuntimeException fatal ? fatal : new IllegalStateException(e.getCause());
        } finally {
            if (!target.terminated().isDone() || target.terminated().isCompletedExceptionally()) {
                console.stopping();
                target.close().run();
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
