package dev.flux.client;

/** Receives the HTTP requests served by http tunnels; see {@link Agent#observeHttp(HttpExchangeListener)}. */
@FunctionalInterface
public interface HttpExchangeListener {

    /** Called on an event loop of the agent once the response ended: return quickly, never block. */
    void exchanged(HttpExchange exchange);
}
