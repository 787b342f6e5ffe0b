package dev.flux.desktop.expose;

import dev.flux.desktop.Messages;
import dev.flux.desktop.ViewLoader;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.util.StringConverter;

/** "Expose a local port": port (offered from the listening ones, or typed), HTTP or TCP, optional subdomain. */
public final class ExposeView {

    private final ExposeViewModel model;
    private final Parent root;
    @FXML private ComboBox<Integer> port;
    @FXML private ComboBox<String> type;
    @FXML private TextField subdomain;
    @FXML private Button exposeButton;
    @FXML private Button rescanButton;
    @FXML private Label error;
    @FXML private Label result;

    public ExposeView(ExposeViewModel model, Messages messages) {
        this.model = model;
        this.root = ViewLoader.load(this, "Expose.fxml", messages);
    }

    @FXML
    private void initialize() {
        port.setEditable(true);
        port.setItems(model.ports());
        port.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer p) {
                return p == null ? "" : p.toString();
            }

            @Override
            public Integer fromString(String s) {
                try {
                    return Integer.valueOf(s.trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        });
        port.getEditor().textProperty().bindBidirectional(model.portProperty());
        type.getItems().setAll(ExposeViewModel.TYPES);
        type.valueProperty().bindBidirectional(model.typeProperty());
        subdomain.textProperty().bindBidirectional(model.subdomainProperty());
        subdomain.disableProperty().bind(model.typeProperty().isNotEqualTo("http"));
        error.textProperty().bind(model.errorProperty());
        error.visibleProperty().bind(model.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());
        result.textProperty().bind(model.resultProperty());
        result.visibleProperty().bind(model.resultProperty().isNotEmpty());
        result.managedProperty().bind(result.visibleProperty());
        exposeButton.disableProperty().bind(model.busyProperty());
        exposeButton.setOnAction(e -> model.expose());
        rescanButton.setOnAction(e -> model.scanPorts());
        port.setOnShowing(e -> model.scanPorts());
        model.scanPorts();
    }

    public Parent root() {
        return root;
    }
}
