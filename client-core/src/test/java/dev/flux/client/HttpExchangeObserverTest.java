package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The observer follows HTTP/1.1 in both directions, fed in small fragments, and leaves the bytes alone. */
class HttpExchangeObserverTest {

    final List<HttpExchange> seen = new ArrayList<>();
    final HttpExchangeObserver observer = new HttpExchangeObserver("web", seen::add);

    @Test
    void keepAliveRequestsWithBodiesArePairedWithTheirResponses() {
        requests("POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
                + "GET /items/1?full=1 HTTP/1.1\r\nHost: x\r\n\r\n");
        responses("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
        assertThat(seen).extracting(HttpExchange::method, HttpExchange::path, HttpExchange::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", "/items", 201));

        responses("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(seen).extracting(HttpExchange::path, HttpExchange::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/items", 201),
                org.assertj.core.groups.Tuple.tuple("/items/1?full=1", 200));
        assertThat(seen).allSatisfy(e -> assertThat(e.tunnel()).isEqualTo("web"));
    }

    @Test
    void chunkedBodiesBothWaysWithTrailersAndExtensions() {
        requests("PUT /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n"
                + "GET /next HTTP/1.1\r\n\r\n");
        responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");

        assertThat(seen).extracting(HttpExchange::method, HttpExchange::path, HttpExchange::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("PUT", "/upload", 200),
                org.assertj.core.groups.Tuple.tuple("GET", "/next", 404));
    }

    @Test
    void headNoContentAndInterimResponsesHaveNoBody() {
        requests("HEAD /big HTTP/1.1\r\n\r\nDELETE /x HTTP/1.1\r\n\r\n"
                + "POST /form HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc");
        responses("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 303 See Other\r\nContent-Length: 0\r\n\r\n");

        assertThat(seen).extracting(HttpExchange::method, HttpExchange::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("HEAD", 200),
                org.assertj.core.groups.Tuple.tuple("DELETE", 204),
                org.assertj.core.groups.Tuple.tuple("POST", 303));
    }

    @Test
    void aBodyUntilTheCloseEndsWithTheConnection() {
        requests("GET /stream HTTP/1.0\r\n\r\n");
        responses("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nsome bytes\r\n\r\nHTTP/1.1 999 not a head");
        assertThat(seen).isEmpty();

        observer.connectionClosed();
        observer.connectionClosed();

        assertThat(seen).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(200));
    }

    @Test
    void anUpgradeEndsTheObservation() {
        requests("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        responses("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0005hello");
        requests("\u0081\u0085GET / HTTP/1.1\r\n\r\n");

        assertThat(seen).extracting(HttpExchange::path, HttpExchange::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/ws", 101));
        observer.connectionClosed();
        assertThat(seen).hasSize(1);
    }

    @Test
    void aRequestWithoutAnAnswerIsReportedWithStatusZeroOnClose() {
        requests("GET /slow HTTP/1.1\r\n\r\n");
        observer.connectionClosed();

        assertThat(seen).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("/slow");
            assertThat(e.status()).isZero();
        });
    }

    @Test
    void endlessPipeliningIsNotRememberedWithoutBound() {
        requests("GET /x HTTP/1.1\r\n\r\n".repeat(HttpExchangeObserver.MAX_PENDING + 50));
        responses("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        observer.connectionClosed();

        assertThat(seen).hasSize(HttpExchangeObserver.MAX_PENDING);
        assertThat(seen.get(0).status()).isEqualTo(200);
    }

    @Test
    void theBytesAreNotConsumed() {
        ByteBuf buf = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII);
        try {
            observer.requestBytes(buf);
            assertThat(buf.readerIndex()).isZero();
            assertThat(buf.refCnt()).isEqualTo(1);
        } finally {
            buf.release();
        }
    }

    /** Feeds the text in fragments of 1 to 7 bytes, as the network might cut it. */
    private void requests(String text) {
        feed(text, true);
    }

    private void responses(String text) {
        feed(text, false);
    }

    private void feed(String text, boolean request) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        int i = 0;
        int step = 1;
        while (i < bytes.length) {
            int n = Math.min(step, bytes.length - i);
            ByteBuf buf = Unpooled.wrappedBuffer(bytes, i, n);
            try {
                if (request) {
                    observer.requestBytes(buf);
                } else {
                    observer.responseBytes(buf);
                }
            } finally {
                buf.release();
            }
            i += n;
            step = step % 7 + 1;
        }
    }
}
