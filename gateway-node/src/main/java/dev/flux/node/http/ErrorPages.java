package dev.flux.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * The pages the node answers itself with: unknown host, local service down, agent gone, authentication needed.
 * Each is a complete HTTP/1.1 response with {@code Connection: close}, written as raw bytes because the public
 * side of a vhost connection has no response encoder (responses from agents are relayed as bytes).
 */
public final class ErrorPages {

    private ErrorPages() {
    }

    /** A page with a title and a sentence of explanation; {@code extraHeaders} are complete header lines. */
    public static ByteBuf page(ByteBufAllocator alloc, HttpResponseStatus status, String title, String detail,
                               String... extraHeaders) {
        String body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + status.code() + " "
                + escape(title) + "</title>\n<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;"
                + "padding:0 1em;color:#222}h1{font-size:1.4em}code{background:#f3f3f3;padding:.1em .3em}"
                + "footer{margin-top:3em;color:#888;font-size:.85em}</style></head>\n<body><h1>" + status.code() + " "
                + escape(title) + "</h1>\n<p>" + escape(detail) + "</p>\n<footer>FLUX Gateway</footer></body></html>\n";
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ").append(status.code()).append(' ').append(status.reasonPhrase()).append("\r\n")
                .append("Content-Type: text/html; charset=utf-8\r\n")
                .append("Content-Length: ").append(bodyBytes.length).append("\r\n")
                .append("Cache-Control: no-store\r\n")
                .append("X-Flux-Error: ").append(status.code()).append("\r\n")
                .append("Connection: close\r\n");
        for (String h : extraHeaders) {
            head.append(h).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuf buf = alloc.buffer(headBytes.length + bodyBytes.length);
        buf.writeBytes(headBytes).writeBytes(bodyBytes);
        return buf;
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
