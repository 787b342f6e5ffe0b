package dev.flux.desktop.agent;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The agent's events for the logs screen: the last {@value #CAPACITY}, oldest first. Thread-safe. */
public final class EventLog {

    static final int CAPACITY = 1000;

    /** One event; {@code warning} for what went wrong. */
    public record Entry(Instant time, boolean warning, String text) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();

    public void add(boolean warning, String text) {
        Entry entry = new Entry(Instant.now(), warning, text);
        synchronized (entries) {
            if (entries.size() == CAPACITY) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }
        listeners.forEach(l -> l.accept(entry));
    }

    public List<Entry> entries() {
        synchronized (entries) {
            return new ArrayList<>(entries);
        }
    }

    /** Called on the thread that adds the entry: the agent's; hop to the screen's thread before touching it. */
    public void subscribe(Consumer<Entry> listener) {
        listeners.add(listener);
    }
}
