package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With a listener that asks for content, the observer keeps headers and bodies, chunking removed, up to a limit. */
class HttpExchangeCaptureTest {

    final List<HttpExchange> seen = new ArrayList<>();
    final HttpExchangeObserver observer = new HttpExchangeObserver("web", new HttpExchangeListener() {
        @Override
        public void exchanged(HttpExchange exchange) {
            seen.add(exchange);
        }

        @Override
        public int maxBodyBytes() {
            return 10;
        }
    });

    @Test
    void headersInOrderAndBodiesWithChunkingRemovedAreKept() {
        feed(true, "POST /items?a=1 HTTP/1.1\r\nHost: x\r\nX-Id: 1\r\nx-id: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n2;ext\r\nde\r\n0\r\n\r\n");
        feed(false, "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");

        assertThat(seen).hasSize(1);
        HttpExchange e = seen.get(0);
        assertThat(e.startedAtMillis()).isPositive();
        assertThat(e.request().headers()).extracting(HttpHeader::name)
                .containsExactly("Host", "X-Id", "x-id", "Transfer-Encoding");
        assertThat(e.request().header("x-ID")).isEqualTo("1");
        assertThat(new String(e.request().body(), StandardCharsets.US_ASCII)).isEqualTo("abcde");
        assertThat(e.request().bodySize()).isEqualTo(5);
        assertThat(e.request().truncated()).isFalse();
        assertThat(new String(e.response().body(), StandardCharsets.US_ASCII)).isEqualTo("ok");
        assertThat(e.response().header("content-type")).isEqualTo("text/plain");
    }

    @Test
    void bodiesBeyondTheLimitAreCountedAndMarkedTruncated() {
        feed(true, "PUT /big HTTP/1.1\r\nContent-Length: 26\r\n\r\nabcdefghijklmnopqrstuvwxyz");
        feed(false, "HTTP/1.1 200 OK\r\n\r\n0123456789012345");
        observer.connectionClosed(); // the response ran until the close

        HttpExchange e = seen.get(0);
        assertThat(new String(e.request().body(), StandardCharsets.US_ASCII)).isEqualTo("abcdefghij");
        assertThat(e.request().bodySize()).isEqualTo(26);
        assertThat(e.request().truncated()).isTrue();
        assertThat(new String(e.response().body(), StandardCharsets.US_ASCII)).isEqualTo("0123456789");
        assertThat(e.response().bodySize()).isEqualTo(16);
        assertThat(e.response().truncated()).isTrue();
    }

    @Test
    void pipelinedRequestsKeepTheirOwnBodiesAndAnInterimResponseIsSkipped() {
        feed(true, "POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nA" + "POST /b HTTP/1.1\r\nContent-Length: 1\r\n\r\nB");
        feed(false, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"
                + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");

        assertThat(seen).extracting(x -> new String(x.request().body(), StandardCharsets.US_ASCII)
                + new String(x.response().body(), StandardCharsets.US_ASCII)).containsExactly("A1", "B2");
    }

    @Test
    void aListenerThatAsksForNoContentGetsNone() {
        HttpExchangeObserver plain = new HttpExchangeObserver("web", seen::add);
        ByteBuf req = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII);
        ByteBuf res = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", StandardCharsets.US_ASCII);
        plain.requestBytes(req);
        plain.responseBytes(res);
        req.release();
        res.release();
        assertThat(seen).singleElement().satisfies(e -> {
            assertThat(e.request()).isNull();
            assertThat(e.response()).isNull();
        });
    }

    /** Fed one byte at a time, as the worst fragmentation. */
    private void feed(boolean request, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        for (byte b : bytes) {
            ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {b});
            if (request) {
                observer.requestBytes(buf);
            } else {
                observer.responseBytes(buf);
            }
            assertThat(buf.readerIndex()).isZero();
            buf.release();
        }
    }
}
