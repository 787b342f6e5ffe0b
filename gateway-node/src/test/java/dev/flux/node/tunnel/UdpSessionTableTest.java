package dev.flux.node.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class UdpSessionTableTest {

    private static final long IDLE = 60_000;
    private static final InetSocketAddress A = new InetSocketAddress("192.0.2.1", 5000);
    private static final InetSocketAddress B = new InetSocketAddress("192.0.2.1", 5001);
    private static final InetSocketAddress C = new InetSocketAddress("198.51.100.7", 5000);

    private final UdpSessionTable<String> table = new UdpSessionTable<>(2, IDLE);

    @Test
    void aVisitorIsFoundByItsAddressAndPort() {
        assertThat(table.add(A, "a", 0)).isTrue();
        assertThat(table.add(B, "b", 0)).isTrue();

        assertThat(table.touch(A, 1)).isEqualTo("a");
        assertThat(table.touch(B, 1)).isEqualTo("b");
        assertThat(table.touch(new InetSocketAddress("192.0.2.1", 5000), 1)).as("equal address").isEqualTo("a");
        assertThat(table.touch(C, 1)).isNull();
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void aFullTableTakesNoNewVisitorUntilOneLeaves() {
        table.add(A, "a", 0);
        table.add(B, "b", 0);

        assertThat(table.isFull()).isTrue();
        assertThat(table.add(C, "c", 0)).isFalse();
        assertThat(table.touch(C, 0)).isNull();

        assertThat(table.remove(A, "a")).isTrue();
        assertThat(table.add(C, "c", 0)).isTrue();
        assertThat(table.touch(C, 0)).isEqualTo("c");
    }

    @Test
    void sessionsExpireAfterTheIdleTimeWithoutTraffic() {
        table.add(A, "a", 0);
        table.add(B, "b", 10);

        assertThat(table.expire(IDLE - 1)).isEmpty();
        assertThat(table.expire(IDLE)).containsExactly("a");
        assertThat(table.expire(IDLE + 9)).isEmpty();
        assertThat(table.expire(IDLE + 10)).containsExactly("b");
        assertThat(table.size()).isZero();
    }

    @Test
    void trafficInEitherDirectionKeepsASessionAlive() {
        table.add(A, "a", 0);
        table.add(B, "b", 0);

        table.touch(B, 10);
        table.touch(A, IDLE - 1);

        assertThat(table.expire(IDLE + 10)).containsExactly("b");
        assertThat(table.expire(2 * IDLE - 2)).isEmpty();
        assertThat(table.expire(2 * IDLE - 1)).containsExactly("a");
    }

    @Test
    void expiryReturnsTheLeastRecentlyActiveFirst() {
        UdpSessionTable<String> t = new UdpSessionTable<>(10, IDLE);
        t.add(A, "a", 0);
        t.add(B, "b", 1);
        t.add(C, "c", 2);
        t.touch(A, 3);

        assertThat(t.expire(IDLE + 3)).containsExactly("b", "c", "a");
    }

    @Test
    void removingAnEndedSessionDoesNotRemoveTheVisitorsNewerOne() {
        table.add(A, "old", 0);
        table.expire(IDLE);
        table.add(A, "new", IDLE);

        assertThat(table.remove(A, "old")).isFalse();
        assertThat(table.touch(A, IDLE)).isEqualTo("new");
        assertThat(table.remove(A, "new")).isTrue();
        assertThat(table.size()).isZero();
    }

    @Test
    void aVisitorHasOneSessionAtATime() {
        table.add(A, "a", 0);

        assertThatThrownBy(() -> table.add(A, "again", 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has a session");
    }

    @Test
    void clearReturnsEverySession() {
        table.add(A, "a", 0);
        table.add(B, "b", 0);

        assertThat(table.clear()).containsExactlyInAnyOrder("a", "b");
        assertThat(table.size()).isZero();
        assertThat(table.expire(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new UdpSessionTable<>(0, IDLE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSessions: 0 (expected: > 0)");
        assertThatThrownBy(() -> new UdpSessionTable<>(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleNanos: 0 (expected: > 0)");
    }
}
