package dev.flux.desktop.settings;

import dev.flux.client.controlplane.Credentials;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.ErrorText;
import dev.flux.desktop.Messages;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * Settings: which control plane and who is signed in (sign out to change them), the theme, the language (applied at
 * once: the screens are rebuilt) and whether the app starts at sign-in.
 */
public final class SettingsViewModel {

    private final DesktopContext context;
    private final Messages messages;
    private final Consumer<DesktopSettings> onApplied;
    private final Runnable onSignOut;
    private final StringProperty server = new SimpleStringProperty("");
    private final StringProperty account = new SimpleStringProperty("");
    private final StringProperty theme = new SimpleStringProperty(DesktopSettings.LIGHT);
    private final ObjectProperty<Locale> language = new SimpleObjectProperty<>(Locale.ENGLISH);
    private final BooleanProperty startAtSignIn = new SimpleBooleanProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty saved = new SimpleStringProperty("");

    /**
     * @param onApplied called on the screen's thread with the saved settings, to apply the theme and language
     * @param onSignOut called on the screen's thread once the login is deleted and the agent stopped
     */
    public SettingsViewModel(DesktopContext context, Messages messages, Credentials login, DesktopSettings current,
                             Consumer<DesktopSettings> onApplied, Runnable onSignOut) {
        this.context = context;
        this.messages = messages;
        this.onApplied = onApplied;
        this.onSignOut = onSignOut;
        server.set(login == null ? "" : login.server());
        account.set(login == null || login.username() == null ? "" : login.username());
        theme.set(current.theme());
        language.set(current.language());
        startAtSignIn.set(current.startAtSignIn());
    }

    public StringProperty serverProperty() {
        return server;
    }

    public StringProperty accountProperty() {
        return account;
    }

    public StringProperty themeProperty() {
        return theme;
    }

    public ObjectProperty<Locale> languageProperty() {
        return language;
    }

    public BooleanProperty startAtSignInProperty() {
        return startAtSignIn;
    }

    public StringProperty errorProperty() {
        return error;
    }

    public StringProperty savedProperty() {
        return saved;
    }

    /** The language's own name, for the choice box: "English", "简体中文". */
    public static String languageName(Locale locale) {
        return "zh".equals(locale.getLanguage()) ? "简体中文" : "English";
    }

    /** Saves the settings and writes or deletes the autostart entry. */
    public void apply() {
        error.set("");
        saved.set("");
        DesktopSettings next = new DesktopSettings(
                DesktopSettings.DARK.equals(theme.get()) ? DesktopSettings.DARK : DesktopSettings.LIGHT,
                Messages.supported(language.get()), startAtSignIn.get());
        context.tasks().run(() -> {
            context.settings().save(next);
            context.autostart().set(next.startAtSignIn());
            return next;
        }, s -> {
            saved.set(messages.get("settings.saved"));
            onApplied.accept(s);
        }, e -> error.set(ErrorText.describe(e, messages)));
    }

    /** Stops the agent and deletes the saved login (fluxctl's too: it is the same file). */
    public void signOut() {
        context.tasks().run(() -> {
            context.agent().stop();
            context.credentials().delete();
            return Boolean.TRUE;
        }, ok -> onSignOut.run(), e -> error.set(ErrorText.describe(e, messages)));
    }
}
