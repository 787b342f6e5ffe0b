package dev.flux.client.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secrets of secret tunnels, saved on the owner's machine in a file only its owner reads. */
class SecretStoreTest {

    @TempDir
    Path dir;

    @Test
    void savesAndFindsSecretsByTunnelNameInAPrivateFile() throws Exception {
        SecretStore store = new SecretStore(dir.resolve("flux"));
        assertThat(store.find("db")).isEmpty();

        store.save("db", "s3cret \"quoted\" \\ and more");
        store.save("game", "other");
        store.save("db", "replaced \"quoted\" \\ secret");

        SecretStore again = new SecretStore(dir.resolve("flux"));
        assertThat(again.find("db")).contains("replaced \"quoted\" \\ secret");
        assertThat(again.find("game")).contains("other");
        assertThat(again.find("web")).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("flux"))))
                .isEqualTo("rwx------");
        assertThat(store.file().getFileName()).hasToString("secrets.toml");
    }

    @Test
    void aSecretSitsNextToTheSavedLogin() {
        CredentialStore login = new CredentialStore(dir);
        login.save(new Credentials("http://127.0.0.1:8443", "flx_token", "alice", "laptop"));
        new SecretStore(dir).save("db", "x");
        assertThat(login.load()).isPresent();
        assertThat(new SecretStore(dir).file().getParent()).isEqualTo(login.file().getParent());
    }

    @Test
    void generatedSecretsAreLongAndDifferent() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String s = SecretStore.generate();
            assertThat(s).hasSize(43).matches("[A-Za-z0-9_-]+");
            seen.add(s);
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void aBrokenFileIsNamedWithWhatToDo() throws Exception {
        SecretStore store = new SecretStore(dir);
        Files.writeString(store.file(), "db = \"unterminated\n");
        assertThatThrownBy(() -> store.find("db")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(store.file() + ": not valid TOML (")
                .hasMessageEndingWith("fix or delete it, then save the secrets again with `fluxctl tunnel secret`");
    }
}
