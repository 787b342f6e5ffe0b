package dev.flux.desktop.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.controlplane.Credentials;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.Messages;
import dev.flux.desktop.TestContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsViewModelTest {

    @TempDir
    Path dir;

    private DesktopContext context;

    @AfterEach
    void close() {
        context.tasks().close();
    }

    @Test
    void savingWritesTheSettingsAndTheAutostartEntryAndSigningOutDeletesTheLogin() throws Exception {
        context = TestContexts.create(dir);
        Credentials login = new Credentials("http://127.0.0.1:8443", "flx_secret", "alice", "laptop");
        context.credentials().save(login);
        AtomicReference<DesktopSettings> applied = new AtomicReference<>();
        AtomicBoolean signedOut = new AtomicBoolean();
        SettingsViewModel model = new SettingsViewModel(context, new Messages(Locale.ENGLISH), login,
                DesktopSettings.defaults(Locale.ENGLISH), applied::set, () -> signedOut.set(true));
        assertThat(model.serverProperty().get()).isEqualTo("http://127.0.0.1:8443");
        assertThat(model.accountProperty().get()).isEqualTo("alice");

        model.themeProperty().set(DesktopSettings.DARK);
        model.languageProperty().set(Locale.SIMPLIFIED_CHINESE);
        model.startAtSignInProperty().set(true);
        model.apply();
        await().atMost(Duration.ofSeconds(5)).until(() -> applied.get() != null);
        DesktopSettings expected = new DesktopSettings(DesktopSettings.DARK, Locale.SIMPLIFIED_CHINESE, true);
        assertThat(applied.get()).isEqualTo(expected);
        assertThat(context.settings().load()).isEqualTo(expected);
        assertThat(Files.readString(context.autostart().file())).contains("[Desktop Entry]")
                .contains("Exec=java -jar flux-desktop.jar");
        assertThat(model.savedProperty().get()).isEqualTo("Saved.");

        applied.set(null);
        model.startAtSignInProperty().set(false);
        model.apply();
        await().atMost(Duration.ofSeconds(5)).until(() -> applied.get() != null);
        assertThat(context.autostart().isEnabled()).isFalse();

        model.signOut();
        await().atMost(Duration.ofSeconds(5)).untilTrue(signedOut);
        assertThat(context.credentials().load()).isEmpty();
    }

    @Test
    void aDamagedSettingsFileGivesTheDefaults() throws Exception {
        context = TestContexts.create(dir);
        Files.createDirectories(context.settings().file().getParent());
        Files.writeString(context.settings().file(), "theme=purple\nlanguage=fr\n");
        assertThat(context.settings().load()).isEqualTo(new DesktopSettings(DesktopSettings.LIGHT, Locale.ENGLISH,
                false));
    }

    @Test
    void theAutostartDirectoryFollowsXdg() {
        context = TestContexts.create(dir);
        assertThat(Autostart.directory(Map.of("XDG_CONFIG_HOME", "/x"), Path.of("/home/a")))
                .isEqualTo(Path.of("/x/autostart"));
        assertThat(Autostart.directory(Map.of(), Path.of("/home/a"))).isEqualTo(Path.of("/home/a/.config/autostart"));
    }
}
