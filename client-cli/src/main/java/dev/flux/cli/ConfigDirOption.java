package dev.flux.cli;

import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.SecretStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config-dir} option of the commands that use the saved login. */
final class ConfigDirOption {

    @Option(names = "--config-dir", paramLabel = "DIR",
            description = "Where the login is saved (credentials.toml). Default: $FLUX_CONFIG_DIR, else "
                    + "$XDG_CONFIG_HOME/flux, else ~/.config/flux (Windows: %%APPDATA%%\\flux).")
    Path dir;

    CredentialStore store() {
        return dir != null ? new CredentialStore(dir) : CredentialStore.forCurrentUser();
    }

    /** The secrets of the login's secret tunnels, in the same directory as the login. */
    SecretStore secrets() {
        return new SecretStore(store().file().getParent());
    }

    /** The saved login; without one, a failure that says how to log in. */
    Credentials require() {
        CredentialStore store = store();
        return store.load().orElseThrow(() -> new CliFailure(ExitCodes.RUNTIME_ERROR,
                "not logged in (no " + store.file() + "): run `fluxctl login --server URL` first"));
    }
}
