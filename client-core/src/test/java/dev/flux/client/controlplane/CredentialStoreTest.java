package dev.flux.client.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

    @TempDir
    Path home;

    @Test
    void savesAFileOnlyItsOwnerCanReadAndReadsItBack() throws Exception {
        Path dir = home.resolve("config/flux");
        CredentialStore store = new CredentialStore(dir);
        Credentials saved = new Credentials("http://127.0.0.1:8443", "flx_abc\"\\def", "alice", "fluxctl on \"box\"");

        store.save(saved);

        assertThat(store.load()).contains(saved);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(saved.toString()).doesNotContain("flx_abc");

        store.save(new Credentials("http://cp:8443", "flx_new", "bob", null));
        assertThat(store.load()).contains(new Credentials("http://cp:8443", "flx_new", "bob", null));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
    }

    @Test
    void nothingSavedIsEmptyAndDeletingTellsWhetherThereWasSomething() {
        CredentialStore store = new CredentialStore(home.resolve("flux"));

        assertThat(store.load()).isEmpty();
        assertThat(store.delete()).isFalse();
        store.save(new Credentials("http://cp:8443", "flx_x", "alice", null));
        assertThat(store.delete()).isTrue();
        assertThat(store.load()).isEmpty();
    }

    @Test
    void aDamagedFileNamesItselfAndTheFix() throws Exception {
        CredentialStore store = new CredentialStore(home);
        Files.writeString(store.file(), "server = \"http://cp:8443\"\n");

        assertThatThrownBy(store::load).hasMessage(store.file() + ": 'token' is missing; run `fluxctl login` again");
    }

    @Test
    void theDirectoryFollowsTheEnvironment() {
        Path h = Path.of("/home/alice");
        assertThat(CredentialStore.defaultDirectory(Map.of("FLUX_CONFIG_DIR", "/etc/fx"), "Linux", h))
                .isEqualTo(Path.of("/etc/fx"));
        assertThat(CredentialStore.defaultDirectory(Map.of("XDG_CONFIG_HOME", "/x"), "Linux", h))
                .isEqualTo(Path.of("/x/flux"));
        assertThat(CredentialStore.defaultDirectory(Map.of(), "Linux", h)).isEqualTo(Path.of("/home/alice/.config/flux"));
        assertThat(CredentialStore.defaultDirectory(Map.of("APPDATA", "/appdata"), "Windows 11", h))
                .isEqualTo(Path.of("/appdata", "flux"));
    }
}
