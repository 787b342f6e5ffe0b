package dev.flux.desktop;

import dev.flux.client.controlplane.CredentialStore;
import dev.flux.desktop.agent.AgentHost;
import dev.flux.desktop.agent.EventLog;
import dev.flux.desktop.settings.Autostart;
import dev.flux.desktop.settings.SettingsStore;
import java.util.function.Consumer;

/**
 * What the ViewModels share: the background tasks, the in-process agent and its events, the saved login (the same
 * file as fluxctl's) and settings, and how to open a page in the browser.
 *
 * @param browser opens a URL in the user's browser (the app's HostServices)
 */
public record DesktopContext(BackgroundTasks tasks, AgentHost agent, EventLog events, CredentialStore credentials,
                             SettingsStore settings, Autostart autostart, Consumer<String> browser) {
}
