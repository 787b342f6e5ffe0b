package dev.flux.desktop;

import dev.flux.client.controlplane.CredentialStore;
import dev.flux.desktop.agent.AgentHost;
import dev.flux.desktop.agent.EventLog;
import dev.flux.desktop.settings.Autostart;
import dev.flux.desktop.settings.SettingsStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A context for ViewModel tests: the screen's thread is whichever thread finishes the work. */
public final class TestContexts {

    private TestContexts() {
    }

    /** @param opened collects the pages the ViewModel asked the browser to open */
    public static DesktopContext create(Path dir, List<String> opened) {
        EventLog events = new EventLog();
        return new DesktopContext(new BackgroundTasks(Runnable::run), new AgentHost(events, 0), events,
                new CredentialStore(dir.resolve("config")), new SettingsStore(dir.resolve("config")),
                Autostart.xdg(dir.resolve("autostart"), List.of("java", "-jar", "flux-desktop.jar")),
                opened::add);
    }

    public static DesktopContext create(Path dir) {
        return create(dir, new CopyOnWriteArrayList<>());
    }
}
