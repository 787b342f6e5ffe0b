package dev.flux.desktop.inspector;

import dev.flux.desktop.Messages;
import dev.flux.desktop.ViewLoader;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;

/** The request inspector's screen; empty, with a sentence saying why, while client-core has no inspector. */
public final class InspectorView {

    private final InspectorViewModel model;
    private final Messages messages;
    private final Parent root;
    @FXML private ListView<InspectorViewModel.RequestLine> requests;

    public InspectorView(InspectorViewModel model, Messages messages) {
        this.model = model;
        this.messages = messages;
        this.root = ViewLoader.load(this, "Inspector.fxml", messages);
    }

    @FXML
    private void initialize() {
        requests.setItems(model.requests());
        Label placeholder = new Label();
        placeholder.textProperty().bind(javafx.beans.binding.Bindings.when(model.availableProperty())
                .then(messages.get("inspector.empty")).otherwise(messages.get("inspector.unavailable")));
        placeholder.setWrapText(true);
        requests.setPlaceholder(placeholder);
    }

    public Parent root() {
        return root;
    }
}
