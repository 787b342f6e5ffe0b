package dev.flux.desktop;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the app does slow work (the control plane, the agent, files): off the screen's thread, with the
 * result or the failure handed back on it. ViewModels get this and never start threads of their own; their tests
 * give it a direct "screen thread" so that they run without JavaFX.
 */
public final class BackgroundTasks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundTasks.class);

    private final ScheduledExecutorService workers;
    private final Executor screen;

    /**
     * @param screen runs the callbacks: {@code Platform::runLater} in the app, a direct executor in tests
     */
    public BackgroundTasks(Executor screen) {
        this.screen = screen;
        this.workers = Executors.newScheduledThreadPool(2, task -> {
            Thread t = new Thread(task, "flux-desktop-work");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code work} in the background, then {@code onSuccess} or {@code onFailure} on the screen's thread. */
    public <T> void run(Callable<T> work, Consumer<? super T> onSuccess, Consumer<? super Exception> onFailure) {
        workers.execute(() -> {
            T result;
            try {
                result = work.call();
            } catch (Exception e) {
                log.debug("background task failed", e);
                screen.execute(() -> onFailure.accept(e));
                return;
            }
            screen.execute(() -> onSuccess.accept(result));
        });
    }

    /** Runs {@code work} in the background every {@code period}, first at once; cancel the returned future. */
    public ScheduledFuture<?> every(long period, TimeUnit unit, Runnable work) {
        return workers.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                log.warn("periodic background task failed: {}", e.getMessage(), e);
            }
        }, 0, period, unit);
    }

    /** Runs {@code action} on the screen's thread. */
    public void onScreen(Runnable action) {
        screen.execute(action);
    }

    /** An executor for work that must not run on the screen's thread, e.g. closing the agent. */
    public ExecutorService workers() {
        return workers;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
