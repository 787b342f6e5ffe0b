package dev.flux.client.inspect;

/**
 * How much of the HTTP traffic of http tunnels the agent keeps for the inspector.
 *
 * @param maxExchanges the last exchanges kept per tunnel (older ones are dropped); 0 turns the inspector off
 * @param maxBodyBytes how much of each request and response body is kept; the rest is counted and marked truncated
 */
public record InspectSettings(int maxExchanges, int maxBodyBytes) {

    /** On by default for http tunnels, small: 100 exchanges, 64 KiB of each body. */
    public static final InspectSettings DEFAULT = new InspectSettings(100, 64 * 1024);
    public static final InspectSettings OFF = new InspectSettings(0, 0);

    public InspectSettings {
        if (maxExchanges < 0 || maxExchanges > 10_000) {
            throw new IllegalArgumentException("inspect.maxExchanges: " + maxExchanges + " (expected: 0 to 10000; "
                    + "0 turns the inspector off)");
        }
        if (maxBodyBytes < 0 || maxBodyBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("inspect.maxBodyBytes: " + maxBodyBytes + " (expected: 0 to "
                    + 16 * 1024 * 1024 + ")");
        }
    }

    public boolean enabled() {
        return maxExchanges > 0;
    }
}
