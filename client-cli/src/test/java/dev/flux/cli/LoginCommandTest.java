package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.testing.ContractControlPlane;
import dev.flux.client.testing.ContractControlPlane.DeviceOutcome;
import dev.flux.client.testing.ContractControlPlane.Token;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** login, logout and whoami against a control plane speaking the contract on 127.0.0.1. */
class LoginCommandTest {

    @TempDir
    Path dir;

    ContractControlPlane cp;
    Token alice;

    @BeforeEach
    void start() throws Exception {
        cp = ContractControlPlane.start();
        alice = cp.addUser("alice", "laptop");
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    @Test
    void aTokenIsCheckedThenSavedForItsOwnerOnly() throws Exception {
        CliRun.Result r = CliRun.run("login", "--server", cp.uri().toString(), "--token", alice.secret(),
                "--config-dir", dir.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("logged in to " + cp.uri() + " as alice (token 'laptop')")
                .contains("saved to " + dir.resolve("credentials.toml"));
        Path file = dir.resolve("credentials.toml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(new CredentialStore(dir).load()).contains(
                new Credentials(cp.uri().toString(), alice.secret(), "alice", "laptop"));
        assertThat(cp.requests()).contains("GET /api/v1/me");
    }

    @Test
    void aRejectedTokenIsNotSavedAndExitsWith3() {
        CliRun.Result r = CliRun.run("login", "--server", cp.uri().toString(), "--token", "flx_unknown",
                "--config-dir", dir.toString());

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("error: the token is unknown, revoked or expired");
        assertThat(dir.resolve("credentials.toml")).doesNotExist();
    }

    @Test
    void anUnreachableServerExitsWith1AndSaysWhere() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun.Result r = CliRun.run("login", "--server", "http://127.0.0.1:" + closed, "--token", alice.secret(),
                "--config-dir", dir.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: cannot reach the control plane at http://127.0.0.1:" + closed
                + ": connection refused" + System.lineSeparator());
    }

    @Test
    void badArgumentsExitWith2() {
        CliRun.Result url = CliRun.run("login", "--server", "cp.example.com", "--config-dir", dir.toString());
        assertThat(url.exitCode()).isEqualTo(2);
        assertThat(url.err()).startsWith("--server: server URL 'cp.example.com' must start with http:// or https://");

        CliRun.Result token = CliRun.run("login", "--token", "secret", "--config-dir", dir.toString());
        assertThat(token.exitCode()).isEqualTo(2);
        assertThat(token.err()).startsWith("--token: the value is not a FLUX API token");
    }

    @Test
    void theDeviceFlowShowsTheCodeWaitsForApprovalAndSaves() throws Exception {
        cp.deviceLogin(DeviceOutcome.APPROVE, 1, "carol");

        CliRun.Result r = CliRun.run("login", "--server", cp.uri().toString(), "--no-browser",
                "--config-dir", dir.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("approve the code ABCD-EFGH")
                .contains(cp.uri() + "/device?code=ABCD-EFGH")
                .contains("Waiting for approval")
                .contains("logged in to " + cp.uri() + " as carol (token 'fluxctl on ");
        assertThat(cp.devicePolls()).isEqualTo(2);
        assertThat(cp.deviceClientName()).startsWith("fluxctl on ");
        assertThat(new CredentialStore(dir).load()).hasValueSatisfying(c -> assertThat(c.username()).isEqualTo("carol"));
    }

    @Test
    void aDeniedLoginExitsWith3AndAnExpiredOneWith1() {
        cp.deviceLogin(DeviceOutcome.DENY, 0, "carol");
        CliRun.Result denied = CliRun.run("login", "--server", cp.uri().toString(), "--no-browser",
                "--config-dir", dir.toString());
        assertThat(denied.exitCode()).isEqualTo(3);
        assertThat(denied.err()).isEqualTo("error: the login was denied in the browser; nothing was saved"
                + System.lineSeparator());

        cp.deviceLogin(DeviceOutcome.EXPIRE, 0, "carol");
        CliRun.Result expired = CliRun.run("login", "--server", cp.uri().toString(), "--no-browser",
                "--config-dir", dir.toString());
        assertThat(expired.exitCode()).isEqualTo(1);
        assertThat(expired.err()).contains("the code ABCD-EFGH expired before it was approved; run `fluxctl login` "
                + "again");
        assertThat(dir.resolve("credentials.toml")).doesNotExist();
    }

    @Test
    void whoamiAndLogoutWithoutALogin() {
        CliRun.Result whoami = CliRun.run("whoami", "--config-dir", dir.toString());
        assertThat(whoami.exitCode()).isEqualTo(1);
        assertThat(whoami.err()).isEqualTo("error: not logged in (no " + dir.resolve("credentials.toml")
                + "): run `fluxctl login --server URL` first" + System.lineSeparator());

        CliRun.Result logout = CliRun.run("logout", "--config-dir", dir.toString());
        assertThat(logout.exitCode()).isZero();
        assertThat(logout.out()).startsWith("not logged in (no " + dir.resolve("credentials.toml") + ")");
    }

    @Test
    void whoamiShowsTheLoginAndLogoutDeletesIt() {
        new CredentialStore(dir).save(new Credentials(cp.uri().toString(), alice.secret(), "alice", null));

        CliRun.Result whoami = CliRun.run("whoami", "--config-dir", dir.toString());
        assertThat(whoami.exitCode()).isZero();
        assertThat(whoami.out()).contains("server:   " + cp.uri()).contains("username: alice")
                .contains("token:    laptop (scopes: tunnels)");

        CliRun.Result logout = CliRun.run("logout", "--config-dir", dir.toString());
        assertThat(logout.out()).startsWith("logged out of " + cp.uri() + ": deleted " + dir.resolve("credentials.toml"));
        assertThat(dir.resolve("credentials.toml")).doesNotExist();
    }

    @Test
    void whoamiWithARevokedTokenExitsWith3() {
        new CredentialStore(dir).save(new Credentials(cp.uri().toString(), alice.secret(), "alice", null));
        cp.revoke(alice);

        CliRun.Result r = CliRun.run("whoami", "--config-dir", dir.toString());

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("Log in again with `fluxctl login`.");
    }

    @Test
    void withoutServerALoginAgainGoesToTheSavedControlPlane() {
        new CredentialStore(dir).save(new Credentials(cp.uri().toString(), "flx_old", "alice", null));

        CliRun.Result r = CliRun.run("login", "--token", alice.secret(), "--config-dir", dir.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("logged in to " + cp.uri() + " as alice");
        assertThat(new CredentialStore(dir).load()).hasValueSatisfying(c -> assertThat(c.token())
                .isEqualTo(alice.secret()));
    }
}
