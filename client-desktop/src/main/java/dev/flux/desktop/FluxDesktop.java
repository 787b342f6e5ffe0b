package dev.flux.desktop;

import dev.flux.client.AgentException;
import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.controlplane.Credentials;
import dev.flux.desktop.agent.AgentHost;
import dev.flux.desktop.agent.EventLog;
import dev.flux.desktop.expose.ExposeView;
import dev.flux.desktop.expose.ExposeViewModel;
import dev.flux.desktop.expose.ListeningPorts;
import dev.flux.desktop.inspector.InspectorView;
import dev.flux.desktop.inspector.InspectorViewModel;
import dev.flux.desktop.login.LoginView;
import dev.flux.desktop.login.LoginViewModel;
import dev.flux.desktop.logs.LogsView;
import dev.flux.desktop.logs.LogsViewModel;
import dev.flux.desktop.main.MainView;
import dev.flux.desktop.settings.Autostart;
import dev.flux.desktop.settings.DesktopSettings;
import dev.flux.desktop.settings.SettingsStore;
import dev.flux.desktop.settings.SettingsView;
import dev.flux.desktop.settings.SettingsViewModel;
import dev.flux.desktop.settings.WeChatSettingsStore;
import dev.flux.desktop.tray.TrayMenu;
import dev.flux.desktop.tunnels.TunnelsView;
import dev.flux.desktop.tunnels.TunnelsViewModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The desktop app. Options, as system properties: {@code flux.desktop.configDir} (default: fluxctl's configuration
 * directory), {@code flux.desktop.adminPort} (default {@value LocalAdminClient#DEFAULT_PORT}; 0: no local admin API).
 */
public final class FluxDesktop extends Application {

    private DesktopContext context;
    private Stage stage;
    private Scene scene;
    private DesktopSettings settings;
    private Messages messages;
    private Credentials login;
    private TunnelsViewModel tunnels;
    private InspectorViewModel inspector;
    private TrayMenu tray;

    public static void main(String[] args) {
        launch(FluxDesktop.class, args);
    }

    @Override
    public void init() {
        String dir = System.getProperty("flux.desktop.configDir");
        Path configDir = dir != null ? Path.of(dir) : CredentialStore.defaultDirectory(System.getenv(),
                System.getProperty("os.name"), Path.of(System.getProperty("user.home")));
        int adminPort = Integer.getInteger("flux.desktop.adminPort", LocalAdminClient.DEFAULT_PORT);
        EventLog events = new EventLog();
        AgentHost agent = new AgentHost(events, adminPort);
        new WeChatSettingsStore(configDir).keep(agent.inspector());
        context = new DesktopContext(new BackgroundTasks(Platform::runLater), agent,
                events, new CredentialStore(configDir), new SettingsStore(configDir),
                Autostart.forSystem(System.getProperty("os.name"), System.getenv(),
                        Path.of(System.getProperty("user.home")), launchCommand()),
                url -> getHostServices().showDocument(url));
    }

    @Override
    public void start(Stage primary) {
        stage = primary;
        settings = context.settings().load();
        messages = new Messages(settings.language());
        scene = new Scene(new javafx.scene.layout.StackPane(), 1040, 680);
        applyTheme();
        stage.setTitle("FLUX Gateway");
        stage.setScene(scene);
        context.agent().onFatal(failure -> Platform.runLater(() -> {
            if (failure instanceof AgentException a && a.kind() == AgentException.Kind.AUTH_REJECTED) {
                // Nothing runs without a valid token: back to signing in, saying why.
                showLogin(ErrorText.describe(failure, messages));
            } else if (tunnels != null) {
                tunnels.agentFailed(failure);
            }
        }));
        Optional<Credentials> saved;
        try {
            saved = context.credentials().load();
        } catch (IllegalStateException e) {
            saved = Optional.empty(); // damaged: the login screen replaces it
        }
        if (saved.isPresent()) {
            signedIn(saved.get());
        } else {
            showLogin(null);
        }
        tray = TrayMenu.install(messages, this::showOrHide, this::quit, () -> tunnels);
        if (tray != null) {
            // Closing the window keeps the tunnels running; the tray brings it back or quits.
            Platform.setImplicitExit(false);
            context.tasks().every(3, java.util.concurrent.TimeUnit.SECONDS,
                    () -> Platform.runLater(() -> tray.update(() -> tunnels)));
        }
        stage.show();
    }

    @Override
    public void stop() {
        if (tunnels != null) {
            tunnels.close();
        }
        context.agent().close();
        context.tasks().close();
        if (tray != null) {
            tray.remove();
        }
    }

    /** @param error why the user has to sign in (again), or null */
    private void showLogin(String error) {
        closeTunnels();
        login = null;
        LoginViewModel model = new LoginViewModel(context, messages, this::signedIn);
        if (error != null) {
            model.errorProperty().set(error);
        }
        show(new LoginView(model, messages).root());
    }

    private void signedIn(Credentials credentials) {
        login = credentials;
        context.tasks().run(() -> {
            context.agent().start(credentials);
            return Boolean.TRUE;
        }, ok -> { }, e -> context.events().add(true, ErrorText.describe(e, messages)));
        showMain();
    }

    private void showMain() {
        closeTunnels();
        tunnels = new TunnelsViewModel(context, messages);
        inspector = new InspectorViewModel(context, messages);
        TunnelsViewModel current = tunnels;
        ExposeViewModel expose = new ExposeViewModel(context, messages, ListeningPorts.system(), created -> {
            current.select(created.name());
            current.refresh();
        });
        SettingsViewModel settingsModel = new SettingsViewModel(context, messages, login, settings,
                this::settingsApplied, () -> showLogin(null));
        String account = messages.get("main.account", login.username() == null ? "?" : login.username(),
                login.server());
        MainView main = new MainView(messages, account,
                new TunnelsView(tunnels, messages, new ExposeView(expose, messages).root()).root(),
                new LogsView(new LogsViewModel(context), messages).root(),
                new InspectorView(inspector, messages).root(),
                new SettingsView(settingsModel, messages).root());
        show(main.root());
        tunnels.start();
        inspector.start(1000);
    }

    private void settingsApplied(DesktopSettings next) {
        boolean languageChanged = !next.language().equals(settings.language());
        settings = next;
        applyTheme();
        if (languageChanged) {
            // The words change at once: the screens are rebuilt in the new language, the agent runs on.
            messages = new Messages(next.language());
            if (login != null) {
                showMain();
            } else {
                showLogin(null);
            }
        }
    }

    private void show(Parent root) {
        scene.setRoot(root);
    }

    private void applyTheme() {
        scene.getStylesheets().setAll(
                getClass().getResource("theme/base.css").toExternalForm(),
                getClass().getResource("theme/" + settings.theme() + ".css").toExternalForm());
    }

    private void closeTunnels() {
        if (inspector != null) {
            inspector.close();
            inspector = null;
        }
        if (tunnels != null) {
            tunnels.close();
            tunnels = null;
        }
    }

    private void showOrHide() {
        if (stage.isShowing()) {
            stage.hide();
        } else {
            stage.show();
            stage.toFront();
        }
    }

    private void quit() {
        Platform.exit();
    }

    /** How the autostart entry starts this app: this JVM's java with this jar. */
    /** How the app was started: its packaged launcher (jpackage), else this JVM with this jar. */
    private static List<String> launchCommand() {
        String launcher = System.getProperty("jpackage.app-path");
        if (launcher != null && !launcher.isBlank()) {
            return List.of(launcher);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Path jar = Path.of(FluxDesktop.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return List.of(java, "-jar", jar.toString());
        } catch (Exception e) {
            return List.of(java, "-jar", "flux-desktop.jar");
        }
    }
}
