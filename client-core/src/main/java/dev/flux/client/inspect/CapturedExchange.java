package dev.flux.client.inspect;

import dev.flux.client.HttpMessageCapture;
import java.time.Instant;

/**
 * One exchange the inspector keeps.
 *
 * @param id       increasing within the agent's run
 * @param replayOf the id of the exchange this one replayed, or null for traffic that came through the tunnel
 * @param response null when no response came
 */
public record CapturedExchange(long id, String tunnel, Instant time, String method, String target, int status,
                               long durationMillis, HttpMessageCapture request, HttpMessageCapture response,
                               Long replayOf) {

    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The query string without {@code ?}, or empty. */
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }
}
