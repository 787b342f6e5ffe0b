package dev.flux.client;

/** One header field of an HTTP message, its name as written. */
public record HttpHeader(String name, String value) {
}
