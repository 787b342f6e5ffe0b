package dev.flux.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flux.node.config.NodeConfig.NodeTlsConfig;
import dev.flux.node.config.NodeConfig.PortRange;
import dev.flux.node.config.NodeConfig.TokenEntry;
import dev.flux.protocol.auth.Tokens;
import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigLoaderTest {

    private static final String TOKEN = "flx_0123456789abcdefghij";
    private static final String HASH = Tokens.hash("flx_another-token-for-bob");
    private static final String ALICE = """
            [[tokens]]
            name = "alice"
            token = "%s"
            """.formatted(TOKEN);

    @TempDir
    Path dir;

    @Test
    void minimalFileGetsEveryDefault() {
        NodeConfig config = parse(ALICE);

        assertThat(config.bindAddr()).isEqualTo("0.0.0.0");
        assertThat(config.bindPort()).isEqualTo(7000);
        assertThat(config.proxyBindAddr()).isEqualTo("0.0.0.0");
        assertThat(config.publicHost()).isEqualTo("127.0.0.1");
        assertThat(config.vhostHttpPort()).isEqualTo(80);
        assertThat(config.vhostBindAddr()).isEqualTo("0.0.0.0");
        assertThat(config.subdomainHost()).isNull();
        assertThat(config.allowPorts()).containsExactly(new PortRange(20000, 29999));
        assertThat(config.dataDir()).isEqualTo(dir.resolve("flux-node-data"));
        assertThat(config.heartbeatTimeoutSeconds()).isEqualTo(15);
        assertThat(config.tls()).isEqualTo(new NodeTlsConfig(null, null));
        assertThat(config.tokens()).containsExactly(new TokenEntry("alice", TOKEN, null, 0, 0));
    }

    @Test
    void everyKeySet() throws IOException {
        Files.writeString(dir.resolve("node.crt"), "cert");
        Files.writeString(dir.resolve("node.key"), "key");
        NodeConfig config = parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                proxyBindAddr = "10.0.0.1"
                publicHost = "public.example.com"
                vhostHTTPPort = -1
                vhostBindAddr = "10.0.0.2"
                subdomainHost = "tunnel.example.com"
                allowPorts = [ { start = 20000, end = 20010 }, { single = 6022 } ]
                dataDir = "/var/lib/flux"
                heartbeatTimeoutSeconds = 300

                [tls]
                certFile = "node.crt"
                keyFile = "node.key"

                [[tokens]]
                name = "alice"
                token = "%s"
                maxTunnels = 10
                maxConnectionsPerTunnel = 100

                [[tokens]]
                name = "bob"
                tokenHash = "%s"
                """.formatted(TOKEN, HASH));

        assertThat(config).isEqualTo(new NodeConfig("127.0.0.1", 0, "10.0.0.1", "public.example.com", -1, "10.0.0.2",
                "tunnel.example.com", List.of(new PortRange(20000, 20010), new PortRange(6022, 6022)),
                Path.of("/var/lib/flux"), 300, new NodeTlsConfig(dir.resolve("node.crt"), dir.resolve("node.key")),
                List.of(new TokenEntry("alice", TOKEN, null, 10, 100), new TokenEntry("bob", null, HASH, 0, 0))));
    }

    @Test
    void addressesAndPublicHostDefaultToTheSettingsTheyFollow() {
        NodeConfig config = parse("bindAddr = \"192.168.1.5\"\nsubdomainHost = \"tunnel.example.com\"\n" + ALICE);

        assertThat(config.proxyBindAddr()).isEqualTo("192.168.1.5");
        assertThat(config.vhostBindAddr()).isEqualTo("192.168.1.5");
        assertThat(config.publicHost()).isEqualTo("tunnel.example.com");
    }

    @Test
    void acceptsTheFrpSpellingOfSubdomainHost() {
        assertThat(parse("subDomainHost = \"frp.example.com\"\n" + ALICE).subdomainHost()).isEqualTo("frp.example.com");
    }

    @Test
    void bothSpellingsOfSubdomainHostAreAnError() {
        assertThat(failure("subdomainHost = \"a.example.com\"\nsubDomainHost = \"b.example.com\"\n" + ALICE))
                .containsExactly("subDomainHost: 'subDomainHost' and 'subdomainHost' are the same setting; keep one");
    }

    @Test
    void subdomainHostMustBeADnsName() {
        assertThat(failure("subdomainHost = \"*.example.com\"\n" + ALICE)).containsExactly(
                "subdomainHost: '*.example.com' is not a valid DNS name (expected: such as tunnel.example.com)");
    }

    @Test
    void portsOutOfRange() {
        assertThat(failure("""
                bindPort = 70000
                vhostHTTPPort = -2
                heartbeatTimeoutSeconds = 0
                """ + ALICE)).containsExactly(
                "bindPort: 70000 is out of range (expected: 0..65535)",
                "vhostHTTPPort: -2 is out of range (expected: -1..65535)",
                "heartbeatTimeoutSeconds: 0 is out of range (expected: 1..300)");
    }

    @Test
    void wrongTypes() {
        assertThat(failure("""
                bindPort = "7000"
                bindAddr = 0
                allowPorts = "20000-29999"
                tls = "generate"
                """ + ALICE)).containsExactly(
                "bindAddr: expected a string, got integer 0",
                "bindPort: expected an integer, got string \"7000\"",
                "allowPorts: expected an array of tables, got string \"20000-29999\"",
                "tls: expected a table, got string \"generate\"");
    }

    @Test
    void addressWithAPortIsCaught() {
        assertThat(failure("bindAddr = \"0.0.0.0:7000\"\n" + ALICE)).containsExactly(
                "bindAddr: '0.0.0.0:7000' looks like host:port; give only the address here and the port in 'bindPort'");
        assertThat(parse("bindAddr = \"::\"\n" + ALICE).bindAddr()).isEqualTo("::");
    }

    @Test
    void allowPortsForms() {
        NodeConfig config = parse("allowPorts = [{ single = 1 }, { start = 65535, end = 65535 }]\n" + ALICE);

        assertThat(config.allowPorts()).containsExactly(new PortRange(1, 1), new PortRange(65535, 65535));
        assertThat(parse("allowPorts = []\n" + ALICE).allowPorts()).isEmpty();
    }

    @Test
    void badAllowPorts() {
        assertThat(failure("""
                allowPorts = [
                  { start = 30000, end = 20000 },
                  { single = 0 },
                  { single = 6022, start = 1, end = 2 },
                  { start = 1 },
                  { start = 1, end = 70000 },
                  6022,
                  { singel = 6022 },
                ]
                """ + ALICE)).containsExactly(
                "allowPorts[5]: expected a table, got integer 6022",
                "allowPorts[0]: start (30000) is greater than end (20000)",
                "allowPorts[1].single: 0 is out of range (expected: 1..65535)",
                "allowPorts[2]: expected { single = <port> } or { start = <port>, end = <port> }",
                "allowPorts[3]: expected { single = <port> } or { start = <port>, end = <port> }",
                "allowPorts[4].end: 70000 is out of range (expected: 1..65535)",
                "allowPorts[6]: expected { single = <port> } or { start = <port>, end = <port> }",
                "allowPorts[6].singel: unknown key 'singel' (did you mean 'single'?)");
    }

    @Test
    void portRangeContainsItsEnds() {
        PortRange range = new PortRange(20000, 20010);

        assertThat(range.contains(20000)).isTrue();
        assertThat(range.contains(20010)).isTrue();
        assertThat(range.contains(19999)).isFalse();
        assertThat(range.contains(20011)).isFalse();
    }

    @Test
    void certificateAndKeyGoTogether() throws IOException {
        Files.writeString(dir.resolve("node.crt"), "cert");

        assertThat(failure("[tls]\ncertFile = \"node.crt\"\n" + ALICE)).containsExactly(
                "tls.keyFile: required key is missing: 'certFile' is set and the two go together "
                        + "(leave both out to have the node generate a certificate)");
    }

    @Test
    void certificateFilesMustExist() {
        assertThat(failure("[tls]\ncertFile = \"missing.crt\"\nkeyFile = \"missing.key\"\n" + ALICE)).containsExactly(
                "tls.certFile: file not found: " + dir.resolve("missing.crt"),
                "tls.keyFile: file not found: " + dir.resolve("missing.key"));
    }

    @Test
    void atLeastOneToken() {
        assertThat(failure("bindPort = 7000\n")).containsExactly(
                "tokens: at least one [[tokens]] entry is required; generate one with 'fluxctl token generate'");
        assertThat(failure("tokens = []\n")).containsExactly(
                "tokens: at least one [[tokens]] entry is required; generate one with 'fluxctl token generate'");
        assertThat(failure("[tokens]\nname = \"alice\"\ntoken = \"%s\"\n".formatted(TOKEN))).containsExactly(
                "tokens: expected an array of tables, got a single table; write [[tokens]] above each entry");
    }

    @Test
    void tokenNamesAreRequiredAndUnique() {
        assertThat(failure("""
                [[tokens]]
                name = "alice"
                token = "flx_aaaaaaaaaaaaaaaaaaaa"
                [[tokens]]
                token = "flx_bbbbbbbbbbbbbbbbbbbb"
                [[tokens]]
                name = "alice"
                token = "flx_cccccccccccccccccccc"
                """)).containsExactly(
                "tokens[1].name: required key is missing",
                "tokens[2].name: duplicate token name 'alice' (also used by tokens[0])");
    }

    @Test
    void exactlyOneOfTokenAndTokenHash() {
        assertThat(failure("""
                [[tokens]]
                name = "both"
                token = "%s"
                tokenHash = "%s"
                [[tokens]]
                name = "neither"
                maxTunnels = 1
                """.formatted(TOKEN, HASH))).containsExactly(
                "tokens[0]: set either 'token' or 'tokenHash', not both (token 'both')",
                "tokens[1]: needs 'token' or 'tokenHash'; generate one with 'fluxctl token generate' (token 'neither')");
    }

    @Test
    void shortTokenIsRejectedWithoutRepeatingIt() {
        List<String> problems = failure("[[tokens]]\nname = \"alice\"\ntoken = \"secret123\"\n");

        assertThat(problems).containsExactly("tokens[0].token: too short (9 characters, expected: at least 16); "
                + "generate one with 'fluxctl token generate' (token 'alice')");
        assertThat(problems.get(0)).doesNotContain("secret123");
    }

    @Test
    void tokenHashShape() {
        String upper = HASH.toUpperCase(java.util.Locale.ROOT).replace("SHA256:", "sha256:");
        assertThat(failure("""
                [[tokens]]
                name = "a"
                tokenHash = "md5:abc"
                [[tokens]]
                name = "b"
                tokenHash = "%s"
                """.formatted(upper))).containsExactly(
                "tokens[0].tokenHash: 'md5:abc' is not a token hash (expected: sha256:<64 lower-case hex digits>) "
                        + "(token 'a')",
                "tokens[1].tokenHash: '" + upper + "' is not a token hash (expected: sha256:<64 lower-case hex "
                        + "digits>) (token 'b')");
    }

    @Test
    void oneCredentialCannotServeTwoEntries() {
        assertThat(failure("""
                [[tokens]]
                name = "alice"
                token = "%s"
                [[tokens]]
                name = "again"
                tokenHash = "%s"
                """.formatted(TOKEN, Tokens.hash(TOKEN)))).containsExactly(
                "tokens[1].tokenHash: same credential as tokens[0]; each entry needs its own token (token 'again')");
    }

    @Test
    void tokenLimitsAreNotNegative() {
        assertThat(failure(ALICE + "maxTunnels = -1\nmaxConnectionsPerTunnel = 1.5\n")).containsExactly(
                "tokens[0].maxTunnels: -1 is out of range (expected: >= 0) (token 'alice')",
                "tokens[0].maxConnectionsPerTunnel: expected an integer, got float 1.5 (token 'alice')");
    }

    @Test
    void unknownKeysSuggestTheKnownOne() {
        assertThat(failure("bindPrt = 7000\nvhostHttpPort = 8080\n" + ALICE + "maxTunels = 3\n")).containsExactly(
                "bindPrt: unknown key 'bindPrt' (did you mean 'bindPort'?)",
                "vhostHttpPort: unknown key 'vhostHttpPort' (did you mean 'vhostHTTPPort'?)",
                "tokens[0].maxTunels: unknown key 'maxTunels' (did you mean 'maxTunnels'?) (token 'alice')");
    }

    @Test
    void everyProblemIsReportedTogether() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> NodeConfigLoader.parse("""
                bindPort = 99999
                subdomainHost = "bad host"
                [tls]
                keyFile = "node.key"
                [[tokens]]
                name = "alice"
                token = "short"
                """, "node.toml", dir));

        assertThat(e.getMessage().lines()).hasSize(5).allMatch(line -> line.startsWith("node.toml: "));
        assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly(
                "bindPort", "subdomainHost", "tls.keyFile", "tls.certFile", "tokens[0].token");
    }

    @Test
    void malformedToml() {
        assertThatThrownBy(() -> NodeConfigLoader.parse("bindPort = \n", "node.toml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("node.toml: invalid TOML at line 1, column 12 ('bindPort ='): newline not permitted here");
    }

    @Test
    void loadResolvesPathsAgainstTheFilesDirectory() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path file = Files.writeString(etc.resolve("node.toml"), "dataDir = \"state\"\n" + ALICE);

        NodeConfig config = NodeConfigLoader.load(file);

        assertThat(config.dataDir()).isEqualTo(etc.resolve("state").toAbsolutePath());
    }

    @Test
    void loadReportsAMissingFile() {
        Path file = dir.resolve("absent.toml");

        assertThatThrownBy(() -> NodeConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": file not found (looked for " + file.toAbsolutePath() + ")");
    }

    @Test
    void exampleFileLoads() {
        Path example = Path.of("../docs/examples/node.toml");

        NodeConfig config = NodeConfigLoader.load(example);

        assertThat(config.tokens()).isNotEmpty();
        assertThat(config.subdomainHost()).isEqualTo("tunnel.example.com");
    }

    @Test
    void recordsAreImmutableAndDoNotPrintTokens() {
        NodeConfig config = parse(ALICE);

        assertThatThrownBy(() -> config.tokens().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.allowPorts().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(config.toString()).doesNotContain(TOKEN).contains("alice");
    }

    @Test
    void aControlPlaneReplacesTheTokens() throws IOException {
        NodeConfig config = parse("""
                [controlPlane]
                url = "http://127.0.0.1:8443/"
                credential = "%s"
                """.formatted(TOKEN));
        assertThat(config.tokens()).isEmpty();
        assertThat(config.controlPlane().url()).hasToString("http://127.0.0.1:8443");
        assertThat(config.controlPlane().credential()).isEqualTo(TOKEN);
        assertThat(config.controlPlane().requestTimeout()).hasSeconds(10);
        assertThat(config.controlPlane().toString()).doesNotContain(TOKEN);

        Files.writeString(dir.resolve("node.credential"), TOKEN + "\n");
        NodeConfig fromFile = parse("""
                [controlPlane]
                url = "https://cp.example.com"
                credentialFile = "node.credential"
                requestTimeout = 3
                """);
        assertThat(fromFile.controlPlane().credential()).isEqualTo(TOKEN);
        assertThat(fromFile.controlPlane().requestTimeout()).hasSeconds(3);
        assertThat(parse(ALICE).controlPlane()).isNull();
    }

    @Test
    void controlPlaneMistakesAreNamed() {
        assertThat(failure("""
                [controlPlane]
                url = "ftp://cp.example.com"
                """)).containsExactly(
                "controlPlane.url: 'ftp://cp.example.com' is not an http(s) URL (expected: such as http://127.0.0.1:8443)",
                "controlPlane: set either 'credential' or 'credentialFile' (a file holding it), not neither; the"
                        + " credential is shown once by POST /api/v1/nodes");
        assertThat(failure(ALICE + """
                [controlPlane]
                url = "http://127.0.0.1:8443"
                credential = "secret"
                """)).containsExactly(
                "tokens: [[tokens]] is not used with [controlPlane]: the control plane decides which tokens may"
                        + " connect; remove the [[tokens]] entries",
                "controlPlane.credential: not a node credential (expected: flx_..., as POST /api/v1/nodes returned it)");
        assertThat(failure("""
                [controlPlane]
                url = "http://127.0.0.1:8443"
                credentialFile = "missing.txt"
                """)).hasSize(1).first().asString().startsWith("controlPlane.credentialFile: file not found: ");
    }

    @Test
    void httpsIsOffUnlessAPortIsSetAndCertificatesAreRead() throws IOException {
        assertThat(parse(ALICE).https()).isEqualTo(NodeConfig.HttpsConfig.DISABLED);
        dev.flux.protocol.tls.NodeCertificate.loadOrGenerate(dir.resolve("wild"), List.of("*.tunnel.example.com"));
        NodeConfig config = parse("""
                vhostHTTPSPort = 8443
                [[certificates]]
                domains = ["*.Tunnel.example.com", "shop.example.com"]
                certFile = "wild/node.crt"
                keyFile = "wild/node.key"
                """ + ALICE);
        assertThat(config.https()).isEqualTo(new NodeConfig.HttpsConfig(8443, List.of(new NodeConfig.CertificateEntry(
                List.of("*.tunnel.example.com", "shop.example.com"), dir.resolve("wild/node.crt"),
                dir.resolve("wild/node.key")))));
    }

    @Test
    void certificateMistakesAreNamed() throws IOException {
        Files.writeString(dir.resolve("bad.crt"), "not a certificate");
        assertThat(failure("""
                vhostHTTPSPort = -2
                [[certificates]]
                domains = ["*.*.example.com"]
                certFile = "missing.crt"
                [[certificates]]
                certFile = "bad.crt"
                keyFile = "bad.crt"
                """ + ALICE)).containsExactly(
                "vhostHTTPSPort: -2 is out of range (expected: -1..65535)",
                "certificates[0].domains[0]: '*.*.example.com' is not a host name or wildcard (expected: such as"
                        + " app.example.com or *.tunnel.example.com)",
                "certificates[0].certFile: file not found: " + dir.resolve("missing.crt"),
                "certificates[0].keyFile: required: the PEM private key of the certificate",
                "certificates[1].domains: required: the host names this certificate is for, such as"
                        + " [\"*.tunnel.example.com\"]",
                "certificates[1].certFile: cannot load the certificate and key: cannot read certificates from "
                        + dir.resolve("bad.crt") + ": No certificate data found");
    }

    private NodeConfig parse(String toml) {
        return NodeConfigLoader.parse(toml, "node.toml", dir);
    }

    /** The problems, each as {@code path: message}. */
    private List<String> failure(String toml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> NodeConfigLoader.parse(toml, "node.toml", dir));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
