package dev.flux.node.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetPickerTest {

    final MappingTarget a = MappingTarget.parse("10.0.0.1:80", 2);
    final MappingTarget b = MappingTarget.parse("10.0.0.2:80", 2);
    final MappingTarget c = MappingTarget.parse("[2001:db8::3]:80", 2);

    static List<String> picks(TargetPicker p, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MappingTarget t = p.next();
            out.add(t == null ? null : t.toString());
        }
        return out;
    }

    @Test
    void roundRobinSkipsTargetsThatAreDown() {
        TargetPicker p = new TargetPicker(List.of(a, b, c), false);
        assertThat(picks(p, 4)).containsExactly("10.0.0.1:80", "10.0.0.2:80", "[2001:db8::3]:80", "10.0.0.1:80");
        assertThat(b.checked(false)).isFalse();
        assertThat(b.checked(false)).isTrue();
        assertThat(b.up()).isFalse();
        assertThat(picks(p, 3)).containsExactly("[2001:db8::3]:80", "10.0.0.1:80", "[2001:db8::3]:80");
        assertThat(b.checked(true)).isTrue();
        assertThat(picks(p, 3)).containsExactly("10.0.0.1:80", "10.0.0.2:80", "[2001:db8::3]:80");
    }

    @Test
    void nullWhenEveryTargetIsDown() {
        TargetPicker p = new TargetPicker(List.of(a), false);
        a.checked(false);
        a.checked(false);
        assertThat(p.next()).isNull();
    }

    @Test
    void leastConnectionsPrefersTheEmptiestTargetTiesInTurn() {
        TargetPicker p = new TargetPicker(List.of(a, b, c), true);
        a.connectionOpened();
        a.connectionOpened();
        b.connectionOpened();
        assertThat(p.next()).isSameAs(c);
        c.connectionOpened();
        c.connectionOpened();
        assertThat(p.next()).isSameAs(b);
        b.connectionOpened();
        // all at two: in turn from after the last pick
        assertThat(picks(p, 3)).containsExactly("[2001:db8::3]:80", "10.0.0.1:80", "10.0.0.2:80");
    }
}
