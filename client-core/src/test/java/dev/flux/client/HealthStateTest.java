package dev.flux.client;

import static dev.flux.client.HealthState.Change.BECAME_HEALTHY;
import static dev.flux.client.HealthState.Change.BECAME_UNHEALTHY;
import static dev.flux.client.HealthState.Change.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HealthStateTest {

    @Test
    void unhealthyAfterThresholdFailuresInARowHealthyAfterOneSuccess() {
        HealthState s = new HealthState(3);
        assertThat(s.healthy()).isTrue();
        assertThat(s.failure()).isEqualTo(NONE);
        assertThat(s.failure()).isEqualTo(NONE);
        // a success in between starts the count again
        assertThat(s.success()).isEqualTo(NONE);
        assertThat(s.failure()).isEqualTo(NONE);
        assertThat(s.failure()).isEqualTo(NONE);
        assertThat(s.healthy()).isTrue();
        assertThat(s.failure()).isEqualTo(BECAME_UNHEALTHY);
        assertThat(s.healthy()).isFalse();
        // further failures change nothing
        assertThat(s.failure()).isEqualTo(NONE);
        assertThat(s.failuresInARow()).isEqualTo(4);
        assertThat(s.success()).isEqualTo(BECAME_HEALTHY);
        assertThat(s.healthy()).isTrue();
        assertThat(s.failuresInARow()).isZero();
        assertThat(s.success()).isEqualTo(NONE);
    }

    @Test
    void thresholdOfOneFlipsOnTheFirstFailure() {
        HealthState s = new HealthState(1);
        assertThat(s.failure()).isEqualTo(BECAME_UNHEALTHY);
        assertThat(s.success()).isEqualTo(BECAME_HEALTHY);
    }

    @Test
    void thresholdBelowOneIsRefused() {
        assertThatThrownBy(() -> new HealthState(0)).hasMessage("failureThreshold: 0 (expected: >= 1)");
    }
}
