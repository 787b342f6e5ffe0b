package dev.flux.desktop.settings;

import dev.flux.desktop.Messages;
import dev.flux.desktop.ViewLoader;
import java.util.Locale;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.util.StringConverter;

/** Settings: account, theme, language, start at sign-in. */
public final class SettingsView {

    private final SettingsViewModel model;
    private final Messages messages;
    private final Parent root;
    @FXML private Label server;
    @FXML private Label account;
    @FXML private ChoiceBox<String> theme;
    @FXML private ChoiceBox<Locale> language;
    @FXML private CheckBox startAtSignIn;
    @FXML private Button applyButton;
    @FXML private Button signOutButton;
    @FXML private Label error;
    @FXML private Label saved;

    public SettingsView(SettingsViewModel model, Messages messages) {
        this.model = model;
        this.messages = messages;
        this.root = ViewLoader.load(this, "Settings.fxml", messages);
    }

    @FXML
    private void initialize() {
        server.textProperty().bind(model.serverProperty());
        account.textProperty().bind(model.accountProperty());
        theme.getItems().setAll(DesktopSettings.LIGHT, DesktopSettings.DARK);
        theme.setConverter(new StringConverter<>() {
            @Override
            public String toString(String t) {
                return t == null ? "" : messages.get("settings.theme." + t);
            }

            @Override
            public String fromString(String s) {
                return s;
            }
        });
        theme.valueProperty().bindBidirectional(model.themeProperty());
        language.getItems().setAll(Messages.LANGUAGES);
        language.setConverter(new StringConverter<>() {
            @Override
            public String toString(Locale l) {
                return l == null ? "" : SettingsViewModel.languageName(l);
            }

            @Override
            public Locale fromString(String s) {
                return null;
            }
        });
        language.valueProperty().bindBidirectional(model.languageProperty());
        startAtSignIn.selectedProperty().bindBidirectional(model.startAtSignInProperty());
        error.textProperty().bind(model.errorProperty());
        error.visibleProperty().bind(model.errorProperty().isNotEmpty());
        saved.textProperty().bind(model.savedProperty());
        applyButton.setOnAction(e -> model.apply());
        signOutButton.setOnAction(e -> model.signOut());
    }

    public Parent root() {
        return root;
    }
}
