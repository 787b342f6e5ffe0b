package dev.flux.client.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.HttpExchange;
import dev.flux.client.HttpMessageCapture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestCaptureTest {

    static HttpExchange exchange(String tunnel, String path) {
        HttpMessageCapture m = new HttpMessageCapture(List.of(), new byte[0], 0, false);
        return new HttpExchange(tunnel, "GET", path, 200, 1, System.currentTimeMillis(), m, m);
    }

    @Test
    void keepsTheLastExchangesOfEachTunnelWithIncreasingIds() {
        List<HttpExchange> passedOn = new ArrayList<>();
        RequestCapture capture = new RequestCapture(new InspectSettings(2, 100), passedOn::add);
        capture.exchanged(exchange("a", "/1"));
        capture.exchanged(exchange("b", "/2"));
        capture.exchanged(exchange("a", "/3"));
        capture.exchanged(exchange("a", "/4?x=y"));

        assertThat(capture.list(null, 0)).extracting(CapturedExchange::id, CapturedExchange::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, "/2"),
                        org.assertj.core.groups.Tuple.tuple(3L, "/3"),
                        org.assertj.core.groups.Tuple.tuple(4L, "/4?x=y"));
        assertThat(capture.list("a", 3)).extracting(CapturedExchange::path, CapturedExchange::query)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/4", "x=y"));
        assertThat(capture.get(1)).isEmpty();
        assertThat(capture.get(2)).hasValueSatisfying(c -> assertThat(c.tunnel()).isEqualTo("b"));
        assertThat(passedOn).hasSize(4);
        assertThat(capture.maxBodyBytes()).isEqualTo(100);

        capture.clear("a");
        assertThat(capture.list(null, 0)).extracting(CapturedExchange::id).containsExactly(2L);
    }

    @Test
    void settingsAreCheckedByName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new InspectSettings(-1, 0))
                .hasMessageStartingWith("inspect.maxExchanges: -1 (expected: 0 to 10000");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new InspectSettings(1, -5))
                .hasMessageStartingWith("inspect.maxBodyBytes: -5");
    }
}
