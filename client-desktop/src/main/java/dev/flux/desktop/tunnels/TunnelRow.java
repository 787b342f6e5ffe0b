package dev.flux.desktop.tunnels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** One tunnel on the tunnels screen. Updated in place by {@link TunnelsViewModel}, on the screen's thread. */
public final class TunnelRow {

    /** How many one-second traffic samples the chart keeps. */
    public static final int HISTORY = 60;

    private final String name;
    private final StringProperty type = new SimpleStringProperty();
    private final StringProperty localTarget = new SimpleStringProperty();
    private final BooleanProperty enabled = new SimpleBooleanProperty();
    private final ObjectProperty<DisplayedState> state = new SimpleObjectProperty<>();
    private final StringProperty publicUrl = new SimpleStringProperty();
    private final LongProperty connections = new SimpleLongProperty();
    private final LongProperty bytesIn = new SimpleLongProperty();
    private final LongProperty bytesOut = new SimpleLongProperty();
    private final ArrayDeque<Double> bytesPerSecond = new ArrayDeque<>();
    private long lastTotal = -1;

    public TunnelRow(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public StringProperty typeProperty() {
        return type;
    }

    public StringProperty localTargetProperty() {
        return localTarget;
    }

    /** Whether the tunnel is on in the control plane; the screen changes it through the ViewModel only. */
    public BooleanProperty enabledProperty() {
        return enabled;
    }

    public ObjectProperty<DisplayedState> stateProperty() {
        return state;
    }

    public StringProperty publicUrlProperty() {
        return publicUrl;
    }

    public LongProperty connectionsProperty() {
        return connections;
    }

    public LongProperty bytesInProperty() {
        return bytesIn;
    }

    public LongProperty bytesOutProperty() {
        return bytesOut;
    }

    /** Bytes per second in both directions over the last {@value #HISTORY} samples, oldest first. */
    public List<Double> traffic() {
        return new ArrayList<>(bytesPerSecond);
    }

    /** Records the totals of one sample taken {@code seconds} after the previous one. */
    void sample(long in, long out, double seconds) {
        bytesIn.set(in);
        bytesOut.set(out);
        long total = in + out;
        double rate = lastTotal < 0 || total < lastTotal || seconds <= 0 ? 0 : (total - lastTotal) / seconds;
        lastTotal = total;
        if (bytesPerSecond.size() == HISTORY) {
            bytesPerSecond.removeFirst();
        }
        bytesPerSecond.addLast(rate);
    }
}
