package dev.flux.desktop.inspector;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The request inspector's place in the app. client-core's inspector (the last requests of each HTTP tunnel, replay)
 * is wired in here once it exists; until then the list is empty and {@link #availableProperty()} is false, and the
 * screen says so.
 */
public final class InspectorViewModel {

    /** One request as the list shows it: "GET /path 200 14 ms". */
    public record RequestLine(String tunnel, String method, String path, int status, long millis) {
        @Override
        public String toString() {
            return "[" + tunnel + "] " + method + " " + path + " " + (status == 0 ? "-" : status) + " " + millis
                    + " ms";
        }
    }

    private final ObservableList<RequestLine> requests = FXCollections.observableArrayList();
    private final BooleanProperty available = new SimpleBooleanProperty(false);

    public ObservableList<RequestLine> requests() {
        return requests;
    }

    public BooleanProperty availableProperty() {
        return available;
    }
}
