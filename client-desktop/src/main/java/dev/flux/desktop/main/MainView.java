package dev.flux.desktop.main;

import dev.flux.desktop.Messages;
import dev.flux.desktop.ViewLoader;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;

/** The main window: who is signed in where, and the tunnels, logs, inspector and settings screens as tabs. */
public final class MainView {

    private final Parent root;
    private final String account;
    private final Parent tunnels;
    private final Parent logs;
    private final Parent inspector;
    private final Parent settings;
    @FXML private Label accountLabel;
    @FXML private Tab tunnelsTab;
    @FXML private Tab logsTab;
    @FXML private Tab inspectorTab;
    @FXML private Tab settingsTab;

    public MainView(Messages messages, String account, Parent tunnels, Parent logs, Parent inspector,
                    Parent settings) {
        this.account = account;
        this.tunnels = tunnels;
        this.logs = logs;
        this.inspector = inspector;
        this.settings = settings;
        this.root = ViewLoader.load(this, "Main.fxml", messages);
    }

    @FXML
    private void initialize() {
        accountLabel.setText(account);
        tunnelsTab.setContent(tunnels);
        logsTab.setContent(logs);
        inspectorTab.setContent(inspector);
        settingsTab.setContent(settings);
    }

    public Parent root() {
        return root;
    }
}
