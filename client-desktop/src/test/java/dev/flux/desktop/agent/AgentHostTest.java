package dev.flux.desktop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.client.HttpHeader;
import dev.flux.client.HttpMessageCapture;
import dev.flux.client.inspect.InspectorClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentHostTest {

    @Test
    void theRetryDelayIsReadFromTheAgentsDetail() {
        assertThat(AgentHost.retrySeconds("connection refused; retrying in 2.1 s")).isEqualTo(2.1);
        assertThat(AgentHost.retrySeconds("connection refused; retrying in 30,0 s")).isEqualTo(30.0);
        assertThat(AgentHost.retrySeconds("connected to node a:7000")).isEqualTo(-1);
        assertThat(AgentHost.retrySeconds(null)).isEqualTo(-1);
    }

    @Test
    void theLogKeepsTheLastThousandEvents() {
        EventLog log = new EventLog();
        for (int i = 0; i < EventLog.CAPACITY + 5; i++) {
            log.add(false, "event " + i);
        }
        assertThat(log.entries()).hasSize(EventLog.CAPACITY);
        assertThat(log.entries().get(0).text()).isEqualTo("event 5");
    }

    @Test
    void theInspectorApiIsCalledInProcessWithItsJsonAndItsRefusals() {
        AgentHost host = new AgentHost(new EventLog(), 0);
        assertThat(host.inspect("GET", "/api/requests", "after=0", null).path("requests")).isEmpty();
        HttpMessageCapture empty = new HttpMessageCapture(List.of(new HttpHeader("Content-Length", "0")),
                new byte[0], 0, false);
        host.inspector().capture().add("web", "GET", "/a?b=1", 204, 2, Instant.now(), empty, empty, null);
        assertThat(host.inspect("GET", "/api/requests", "after=0", null).path("requests").get(0).path("query")
                .asText()).isEqualTo("b=1");
        assertThat(host.inspect("DELETE", "/api/requests", null, null)).as("204: no answer").isNull();
        assertThatThrownBy(() -> host.inspect("GET", "/api/requests/1", null, null))
                .isInstanceOf(InspectorClient.InspectorException.class)
                .hasMessageStartingWith("no captured request 1");
        assertThatThrownBy(() -> host.inspect("GET", "/api/requests/abc", null, null))
                .isInstanceOf(InspectorClient.InspectorException.class)
                .hasMessage("request id 'abc' is not a number (expected: 0 or more)");
        assertThat(host.inspect("POST", "/api/wechat/sign", null, Map.of("token", "AAAAA", "timestamp",
                "1714036504", "nonce", "1514711492")).path("expected").asText())
                .isEqualTo("f464b24fc39322e44b38aa78f5edd27bd1441696");
    }
}
