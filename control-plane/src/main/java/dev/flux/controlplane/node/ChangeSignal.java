package dev.flux.controlplane.node;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes long-polls in this process when something they watch has changed: node events, a user's tunnels. A waiter
 * notes {@link #generation()}, reads the database, and if it found nothing calls {@link #await} with that
 * generation; a change made in this process wakes it as soon as its transaction commits. Waiters also wake at
 * least once a second and read again, so changes committed by another replica of the control plane reach them too.
 */
@Component
public class ChangeSignal implements ApplicationListener<ContextClosedEvent> {

    /** The longest a waiter sleeps before it reads the database again. */
    static final long MAX_SLEEP_MILLIS = 1000;

    private long generation;
    private boolean closing;

    /**
     * The application is stopping: waiters answer now rather than hold up the web server's graceful shutdown for
     * the rest of their wait.
     */
    @Override
    public synchronized void onApplicationEvent(ContextClosedEvent event) {
        closing = true;
        notifyAll();
    }

    public synchronized long generation() {
        return generation;
    }

    /** Wakes every waiter once the current transaction commits (at once when there is none). */
    public void fireAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    fire();
                }
            });
        } else {
            fire();
        }
    }

    private synchronized void fire() {
        generation++;
        notifyAll();
    }

    /**
     * Sleeps until a change after {@code seen} or for at most {@code maxMillis} (and at most a second).
     *
     * @return false when the waiter should answer now: the thread was interrupted or the application is stopping
     */
    public synchronized boolean await(long seen, long maxMillis) {
        if (closing) {
            return false;
        }
        long deadline = System.nanoTime() + Math.min(maxMillis, MAX_SLEEP_MILLIS) * 1_000_000;
        try {
            while (generation == seen && !closing) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                wait(left);
            }
            return !closing;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
