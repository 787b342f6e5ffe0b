package dev.flux.desktop.logs;

import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.agent.EventLog;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The agent's events, newest last, as lines like {@code fluxctl up} prints: "12:04:31  [web] tunnel ready URL". */
public final class LogsViewModel {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final ObservableList<String> lines = FXCollections.observableArrayList();

    public LogsViewModel(DesktopContext context) {
        context.events().entries().forEach(e -> lines.add(line(e)));
        context.events().subscribe(e -> context.tasks().onScreen(() -> {
            lines.add(line(e));
            if (lines.size() > 1000) {
                lines.remove(0, lines.size() - 1000);
            }
        }));
    }

    public ObservableList<String> lines() {
        return lines;
    }

    static String line(EventLog.Entry e) {
        return TIME.format(e.time()) + (e.warning() ? "  ! " : "    ") + e.text();
    }
}
