package dev.flux.client.inspect;

import dev.flux.client.HttpExchange;
import dev.flux.client.HttpExchangeListener;
import dev.flux.client.HttpMessageCapture;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last exchanges of every http tunnel, kept for the inspector: at most {@code maxExchanges} per tunnel, the
 * oldest dropped first. Written on the agent's event loop, read by the admin API's thread.
 */
public final class RequestCapture implements HttpExchangeListener {

    private final InspectSettings settings;
    private final HttpExchangeListener next;
    private final Map<String, ArrayDeque<CapturedExchange>> byTunnel = new HashMap<>();
    private long lastId;

    /** @param next also told of every exchange (such as {@code fluxctl http}'s printer), or null */
    public RequestCapture(InspectSettings settings, HttpExchangeListener next) {
        this.settings = settings;
        this.next = next;
    }

    public InspectSettings settings() {
        return settings;
    }

    @Override
    public int maxBodyBytes() {
        return settings.maxBodyBytes();
    }

    @Override
    public void exchanged(HttpExchange e) {
        add(e.tunnel(), e.method(), e.path(), e.status(), e.durationMillis(),
                e.startedAtMillis() == 0 ? Instant.now() : Instant.ofEpochMilli(e.startedAtMillis()), e.request(),
                e.response(), null);
        if (next != null) {
            next.exchanged(e);
        }
    }

    /** Keeps an exchange; returns it with its id. */
    public synchronized CapturedExchange add(String tunnel, String method, String target, int status,
                                             long durationMillis, Instant time, HttpMessageCapture request,
                                             HttpMessageCapture response, Long replayOf) {
        CapturedExchange c = new CapturedExchange(++lastId, tunnel, time, method, target, status, durationMillis,
                request, response, replayOf);
        if (settings.maxExchanges() == 0) {
            return c;
        }
        ArrayDeque<CapturedExchange> ring = byTunnel.computeIfAbsent(tunnel, t -> new ArrayDeque<>());
        if (ring.size() >= settings.maxExchanges()) {
            ring.pollFirst();
        }
        ring.addLast(c);
        return c;
    }

    /** Exchanges with an id above {@code after}, of one tunnel or all (null), oldest first. */
    public synchronized List<CapturedExchange> list(String tunnel, long after) {
        List<CapturedExchange> out = new ArrayList<>();
        for (Map.Entry<String, ArrayDeque<CapturedExchange>> e : byTunnel.entrySet()) {
            if (tunnel != null && !tunnel.equals(e.getKey())) {
                continue;
            }
            for (CapturedExchange c : e.getValue()) {
                if (c.id() > after) {
                    out.add(c);
                }
            }
        }
        out.sort(Comparator.comparingLong(CapturedExchange::id));
        return out;
    }

    public synchronized Optional<CapturedExchange> get(long id) {
        for (ArrayDeque<CapturedExchange> ring : byTunnel.values()) {
            for (CapturedExchange c : ring) {
                if (c.id() == id) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    /** Forgets every exchange of one tunnel, or of all (null). */
    public synchronized void clear(String tunnel) {
        if (tunnel == null) {
            byTunnel.clear();
        } else {
            byTunnel.remove(tunnel);
        }
    }
}
