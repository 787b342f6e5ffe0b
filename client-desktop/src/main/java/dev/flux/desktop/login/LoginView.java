package dev.flux.desktop.login;

import dev.flux.desktop.Messages;
import dev.flux.desktop.ViewLoader;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;

/** The first-run screen. */
public final class LoginView {

    private final LoginViewModel model;
    private final Parent root;
    @FXML private TextField server;
    @FXML private PasswordField token;
    @FXML private Button browserButton;
    @FXML private Button tokenButton;
    @FXML private Label userCode;
    @FXML private Button cancelButton;
    @FXML private Label progress;
    @FXML private Label error;

    public LoginView(LoginViewModel model, Messages messages) {
        this.model = model;
        this.root = ViewLoader.load(this, "Login.fxml", messages);
    }

    @FXML
    private void initialize() {
        server.textProperty().bindBidirectional(model.serverProperty());
        token.textProperty().bindBidirectional(model.tokenProperty());
        userCode.textProperty().bind(model.userCodeProperty());
        userCode.visibleProperty().bind(model.userCodeProperty().isNotEmpty());
        userCode.managedProperty().bind(userCode.visibleProperty());
        cancelButton.visibleProperty().bind(model.userCodeProperty().isNotEmpty());
        cancelButton.managedProperty().bind(cancelButton.visibleProperty());
        cancelButton.setOnAction(e -> model.cancel());
        progress.textProperty().bind(model.progressProperty());
        error.textProperty().bind(model.errorProperty());
        error.visibleProperty().bind(model.errorProperty().isNotEmpty());
        browserButton.disableProperty().bind(model.busyProperty());
        tokenButton.disableProperty().bind(model.busyProperty());
        browserButton.setOnAction(e -> model.signInWithBrowser());
        tokenButton.setOnAction(e -> model.signInWithToken());
        token.setOnAction(e -> model.signInWithToken());
    }

    public Parent root() {
        return root;
    }
}
