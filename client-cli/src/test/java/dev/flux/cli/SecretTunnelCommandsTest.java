package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.SecretStore;
import dev.flux.client.testing.ContractControlPlane;
import dev.flux.client.testing.ContractControlPlane.Token;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fluxctl tunnel add stcp|sudp|xtcp}, {@code fluxctl tunnel secret} and {@code fluxctl visit OWNER/NAME}
 * against a control plane speaking the contract: the secret is saved on this machine and never sent.
 */
class SecretTunnelCommandsTest {

    @TempDir
    Path dir;

    ContractControlPlane cp;
    Path carolDir;

    @BeforeEach
    void start() throws Exception {
        cp = ContractControlPlane.start();
        Token alice = cp.addUser("alice", "laptop");
        new CredentialStore(dir).save(new Credentials(cp.uri().toString(), alice.secret(), "alice", "laptop"));
        Token carol = cp.addUser("carol", "laptop");
        carolDir = dir.resolve("carol");
        new CredentialStore(carolDir).save(new Credentials(cp.uri().toString(), carol.secret(), "carol", "laptop"));
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    CliRun.Result fluxctl(Path configDir, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config-dir";
        all[args.length + 1] = configDir.toString();
        all[args.length + 2] = "--admin-port";
        all[args.length + 3] = "0";
        return CliRun.run(all);
    }

    @Test
    void addingASecretTunnelSavesANewSecretHereAndShowsItOnceWithTheVisitCommand() throws Exception {
        CliRun.Result r = fluxctl(dir, "tunnel", "add", "stcp", "22", "--name", "ssh", "--allow-user", "bob");

        assertThat(r.exitCode()).as(r.err()).isZero();
        Matcher secret = Pattern.compile("(?m)^secret: (\\S+)").matcher(r.out());
        assertThat(secret.find()).as(r.out()).isTrue();
        String value = secret.group(1);
        assertThat(value).hasSize(43);
        assertThat(r.out()).contains("tunnel ssh created: stcp, reached only by visitors who hold its secret")
                .contains("visit with: fluxctl visit alice/ssh --secret " + value);
        assertThat(new SecretStore(dir).find("ssh")).contains(value);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(new SecretStore(dir).file())))
                .isEqualTo("rw-------");
        assertThat(cp.tunnel("alice", "ssh"))
                .containsEntry("type", "stcp")
                .containsEntry("allowUsers", List.of("bob"))
                .doesNotContainKey("secret")
                .doesNotContainKey("remotePort");
        assertThat(cp.requests()).noneMatch(request -> request.contains(value));
    }

    @Test
    void aGivenSecretIsSavedAndARefusedRequestKeepsTheOldOne() {
        CliRun.Result r = fluxctl(dir, "tunnel", "add", "sudp", "53", "--name", "dns", "--secret", "mine-1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(new SecretStore(dir).find("dns")).contains("mine-1");

        CliRun.Result taken = fluxctl(dir, "tunnel", "add", "sudp", "53", "--name", "dns", "--secret", "other");
        assertThat(taken.exitCode()).isNotZero();
        assertThat(taken.err()).contains("you already have a tunnel named 'dns'");
        assertThat(new SecretStore(dir).find("dns")).contains("mine-1");
    }

    @Test
    void publicOptionsOnASecretTunnelAndSecretOptionsOnAPublicOneAreRefused() {
        CliRun.Result port = fluxctl(dir, "tunnel", "add", "stcp", "22", "--remote-port", "20022");
        assertThat(port.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(port.err()).contains("--remote-port is not for stcp tunnels: they have no public address; "
                + "visitors reach them with `fluxctl visit` and the secret (choose who with --allow-user)");
        CliRun.Result ips = fluxctl(dir, "tunnel", "add", "xtcp", "3389", "--allow-ip", "10.0.0.0/8");
        assertThat(ips.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(ips.err()).contains("--allow-ip is not for xtcp tunnels");
        CliRun.Result secret = fluxctl(dir, "tunnel", "add", "tcp", "22", "--secret", "x");
        assertThat(secret.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(secret.err()).contains("--secret is for secret tunnels (stcp, sudp, xtcp); a tcp tunnel is public");
        CliRun.Result user = fluxctl(dir, "tunnel", "add", "stcp", "22", "--allow-user", "Bob Smith");
        assertThat(user.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(user.err()).contains("--allow-user: 'Bob Smith' is not a user name");
        assertThat(cp.tunnel("alice", "stcp-22")).isNull();
        assertThat(cp.tunnel("alice", "tcp-22")).isNull();
    }

    @Test
    void tunnelSecretSavesOrRenewsTheSecretOfASecretTunnelOnly() {
        assertThat(fluxctl(dir, "tunnel", "add", "stcp", "5432", "--name", "db").exitCode()).isZero();
        assertThat(fluxctl(dir, "tunnel", "add", "tcp", "22", "--name", "ssh").exitCode()).isZero();
        Path laptop = dir.resolve("second-machine");
        new CredentialStore(laptop).save(new CredentialStore(dir).load().orElseThrow());

        CliRun.Result saved = fluxctl(laptop, "tunnel", "secret", "db", "--secret", "shared-one");
        assertThat(saved.exitCode()).as(saved.err()).isZero();
        assertThat(saved.out()).contains("secret of stcp tunnel db saved in " + new SecretStore(laptop).file());
        assertThat(new SecretStore(laptop).find("db")).contains("shared-one");

        CliRun.Result renewed = fluxctl(laptop, "tunnel", "secret", "db", "--new");
        assertThat(renewed.exitCode()).as(renewed.err()).isZero();
        String fresh = new SecretStore(laptop).find("db").orElseThrow();
        assertThat(fresh).isNotEqualTo("shared-one");
        assertThat(renewed.out()).contains("visit with: fluxctl visit alice/db --secret " + fresh);

        CliRun.Result publicOne = fluxctl(laptop, "tunnel", "secret", "ssh", "--new");
        assertThat(publicOne.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(publicOne.err()).contains("tunnel 'ssh' is a tcp tunnel; only stcp, sudp and xtcp tunnels have a "
                + "secret");
        CliRun.Result missing = fluxctl(laptop, "tunnel", "secret", "nope", "--new");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("you have no tunnel named 'nope'");
        CliRun.Result neither = fluxctl(laptop, "tunnel", "secret", "db");
        assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aVisitorTheOwnerDidNotListIsRefusedWithTheControlPlanesSentence() {
        assertThat(fluxctl(dir, "tunnel", "add", "stcp", "22", "--name", "ssh", "--allow-user", "bob").exitCode())
                .isZero();
        cp.setNode("edge", "127.0.0.1", 7000, "SHA256:abc", true);

        CliRun.Result refused = fluxctl(carolDir, "visit", "alice/ssh", "--secret", "guess");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(refused.err()).contains("user 'carol' is not allowed to visit secret tunnel 'alice/ssh'; ask "
                + "alice to add you to its allowUsers");
        CliRun.Result noSecret = fluxctl(carolDir, "visit", "alice/ssh");
        assertThat(noSecret.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noSecret.err()).contains("--secret: missing (expected: the secret of alice/ssh, from its owner");
        CliRun.Result unknown = fluxctl(carolDir, "visit", "alice/nothing", "--secret", "x");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(unknown.err()).contains("secret tunnel 'alice/nothing' does not exist");
    }
}
