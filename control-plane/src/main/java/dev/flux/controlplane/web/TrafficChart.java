package dev.flux.controlplane.web;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The view model of the dashboard's traffic chart: one bar per hour, laid out in SVG user units so that the
 * template only copies numbers (no JavaScript draws it).
 */
public record TrafficChart(int width, int height, List<Bar> bars, String peak, String total) {

    static final int WIDTH = 720;
    static final int HEIGHT = 200;
    private static final int AXIS = 20;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);

    /** @param label shown under every fourth bar; {@code title} is the tooltip */
    public record Bar(int x, int y, int width, int height, String label, String title) {
    }

    static TrafficChart of(List<TrafficReport.Hour> hours) {
        long max = hours.stream().mapToLong(h -> h.traffic().bytes()).max().orElse(0);
        long sum = hours.stream().mapToLong(h -> h.traffic().bytes()).sum();
        int slot = WIDTH / Math.max(1, hours.size());
        int plot = HEIGHT - AXIS;
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < hours.size(); i++) {
            TrafficReport.Hour hour = hours.get(i);
            long bytes = hour.traffic().bytes();
            int h = max == 0 ? 0 : (int) Math.max(bytes > 0 ? 1 : 0, Math.round((double) bytes * (plot - 4) / max));
            String label = i % 4 == 0 ? HOUR.format(hour.hour()) + ":00" : "";
            bars.add(new Bar(i * slot + 2, plot - h, slot - 4, h, label,
                    HOUR.format(hour.hour()) + ":00 UTC: " + Bytes.format(hour.traffic().bytesIn()) + " in, "
                            + Bytes.format(hour.traffic().bytesOut()) + " out, " + hour.traffic().connections()
                            + " connections"));
        }
        return new TrafficChart(WIDTH, HEIGHT, bars, Bytes.format(max), Bytes.format(sum));
    }
}
