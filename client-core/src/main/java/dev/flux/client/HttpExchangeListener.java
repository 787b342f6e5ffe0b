package dev.flux.client;

/** Receives the HTTP requests served by http tunnels; see {@link Agent#observeHttp(HttpExchangeListener)}. */
@FunctionalInterface
public interface HttpExchangeListener {

    /** Called on an event loop of the agent once the response ended: return quickly, never block. */
    void exchanged(HttpExchange exchange);

    /**
     * How many body bytes of each message to keep in {@link HttpExchange#request()} and
     * {@link HttpExchange#response()}; negative (the default) keeps no headers or bodies at all, so following the
     * exchanges costs only the scan of the heads.
     */
    default int maxBodyBytes() {
        return -1;
    }
}
