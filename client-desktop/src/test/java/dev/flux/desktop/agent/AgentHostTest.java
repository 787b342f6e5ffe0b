package dev.flux.desktop.agent;

import static org.assertj.core.api.Assertions.assertThat;

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
}
