package dev.flux.node.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TunnelGroupTest {

    final Set<String> full = new HashSet<>();
    final TunnelGroup<String> group = new TunnelGroup<>("tcp", "web", "key", m -> !full.contains(m));

    List<String> picks(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(group.next());
        }
        return out;
    }

    @Test
    void membersTakeTurnsAndALeavingMemberDoesNotDisturbTheOrder() {
        assertThat(group.next()).isNull();
        group.add("a");
        group.add("b");
        group.add("c");
        assertThat(picks(4)).containsExactly("a", "b", "c", "a");
        // b is next; c leaving keeps b next, then a
        assertThat(group.remove("c")).isEqualTo("a");
        assertThat(picks(3)).containsExactly("b", "a", "b");
        // a member before the cursor leaves: the turn stays with the member that was next
        group.add("d");
        assertThat(picks(1)).containsExactly("a");
        assertThat(group.remove("a")).isEqualTo("b");
        assertThat(picks(3)).containsExactly("b", "d", "b");
        assertThat(group.remove("b")).isEqualTo("d");
        assertThat(group.remove("d")).isNull();
        assertThat(group.next()).isNull();
        assertThat(group.members()).isEmpty();
    }

    @Test
    void aMemberWithoutRoomIsSkippedWhileAnotherHasRoom() {
        group.add("a");
        group.add("b");
        full.add("a");
        assertThat(picks(3)).containsExactly("b", "b", "b");
        full.add("b");
        // everyone is full: plain rotation, and the member refuses the connection itself
        assertThat(picks(2)).containsExactly("a", "b");
        full.clear();
        assertThat(picks(2)).containsExactly("a", "b");
    }

    @Test
    void keyIsCheckedExactly() {
        assertThat(group.keyMatches("key")).isTrue();
        assertThat(group.keyMatches("key ")).isFalse();
        assertThat(group.keyMatches("")).isFalse();
        assertThat(group.keyMatches(null)).isFalse();
        assertThat(group).hasToString("tcp group 'web'");
    }
}
