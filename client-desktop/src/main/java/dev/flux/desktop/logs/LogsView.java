package dev.flux.desktop.logs;

import dev.flux.desktop.Messages;
import dev.flux.desktop.ViewLoader;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;

/** The agent's events. */
public final class LogsView {

    private final LogsViewModel model;
    private final Messages messages;
    private final Parent root;
    @FXML private ListView<String> lines;

    public LogsView(LogsViewModel model, Messages messages) {
        this.model = model;
        this.messages = messages;
        this.root = ViewLoader.load(this, "Logs.fxml", messages);
    }

    @FXML
    private void initialize() {
        lines.setItems(model.lines());
        lines.setPlaceholder(new Label(messages.get("logs.empty")));
        model.lines().addListener((javafx.collections.ListChangeListener<String>) c ->
                lines.scrollTo(model.lines().size() - 1));
    }

    public Parent root() {
        return root;
    }
}
