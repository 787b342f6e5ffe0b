package dev.flux.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {

    private static final String SERVER = """
            serverAddr = "tunnel.example.com"
            token = "flx_secret-token-value"
            """;
    private static final String SSH = """
            [[tunnels]]
            name = "ssh"
            type = "tcp"
            localPort = 22
            """;
    private static final String FINGERPRINT = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
    private static final String HEX_FINGERPRINT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path dir;

    @Test
    void minimalFileGetsEveryDefault() {
        AgentConfig config = parse(SERVER + SSH);

        assertThat(config.serverAddr()).isEqualTo("tunnel.example.com");
        assertThat(config.serverPort()).isEqualTo(7000);
        assertThat(config.token()).isEqualTo("flx_secret-token-value");
        assertThat(config.tls()).isEqualTo(new TlsConfig(null, null, "tunnel.example.com", false));
        assertThat(config.tunnels()).containsExactly(
                new TunnelConfig("ssh", "tcp", "127.0.0.1", 22, 0, null, List.of(), null, null, null));
    }

    @Test
    void everyKeySet() {
        AgentConfig config = parse("""
                serverAddr = "10.0.0.1"
                serverPort = 7443
                token = "flx_secret-token-value"

                [tls]
                fingerprint = "%s"
                serverName = "tunnel.example.com"
                insecureSkipVerify = false

                [[tunnels]]
                name = "ssh"
                type = "tcp"
                localIP = "192.168.1.10"
                localPort = 22
                remotePort = 6022

                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 8080
                subdomain = "web"
                customDomains = ["app.example.com", "www.example.com"]
                hostHeaderRewrite = "localhost"
                httpUser = "admin"
                httpPassword = "pw"
                """.formatted(FINGERPRINT));

        assertThat(config).isEqualTo(new AgentConfig("10.0.0.1", 7443, "flx_secret-token-value",
                new TlsConfig(FINGERPRINT, null, "tunnel.example.com", false),
                List.of(new TunnelConfig("ssh", "tcp", "192.168.1.10", 22, 6022, null, List.of(), null, null, null),
                        new TunnelConfig("web", "http", "127.0.0.1", 8080, 0, "web",
                                List.of("app.example.com", "www.example.com"), "localhost", "admin", "pw"))));
    }

    @Test
    void missingRequiredKeys() {
        assertThat(failure("[[tunnels]]\nname = \"x\"\n")).containsExactly(
                "serverAddr: required key is missing",
                "token: required key is missing",
                "tunnels[0].type: required key is missing (tunnel 'x')",
                "tunnels[0].localPort: required key is missing (tunnel 'x')");
        assertThat(failure(SERVER))
                .containsExactly("tunnels: at least one [[tunnels]] or [[visitors]] entry is required");
    }

    @Test
    void blankTokenIsMissingInEffect() {
        assertThat(failure("serverAddr = \"x\"\ntoken = \" \"\n" + SSH)).containsExactly("token: must not be blank");
    }

    @Test
    void serverAddrIsOnlyAHost() {
        assertThat(failure("serverAddr = \"tunnel.example.com:7000\"\ntoken = \"t\"\n" + SSH)).containsExactly(
                "serverAddr: 'tunnel.example.com:7000' looks like host:port; give only the host here and the port in "
                        + "'serverPort'");
        assertThat(failure("serverAddr = \"https://tunnel.example.com\"\ntoken = \"t\"\n" + SSH)).containsExactly(
                "serverAddr: 'https://tunnel.example.com' is a URL; give only the node's host name or address");
        assertThat(parse("serverAddr = \"::1\"\ntoken = \"t\"\n" + SSH).serverAddr()).isEqualTo("::1");
    }

    @Test
    void portsOutOfRange() {
        assertThat(failure("""
                serverPort = 0
                %s
                [[tunnels]]
                name = "a"
                type = "tcp"
                localPort = 65536
                remotePort = -1
                """.formatted(SERVER))).containsExactly(
                "serverPort: 0 is out of range (expected: 1..65535)",
                "tunnels[0].localPort: 65536 is out of range (expected: 1..65535) (tunnel 'a')",
                "tunnels[0].remotePort: -1 is out of range (expected: 0..65535) (tunnel 'a')");
    }

    @Test
    void wrongTypes() {
        assertThat(failure("""
                serverPort = "7000"
                %s
                [tls]
                insecureSkipVerify = "no"
                [[tunnels]]
                name = "a"
                type = "tcp"
                localPort = "22"
                """.formatted(SERVER))).containsExactly(
                "serverPort: expected an integer, got string \"7000\"",
                "tls.insecureSkipVerify: expected a boolean (true or false), got string \"no\"",
                "tunnels[0].localPort: expected an integer, got string \"22\" (tunnel 'a')");
    }

    @Test
    void tunnelNames() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "web"
                type = "tcp"
                localPort = 1
                [[tunnels]]
                name = "web"
                type = "tcp"
                localPort = 2
                [[tunnels]]
                name = "has space"
                type = "tcp"
                localPort = 3
                [[tunnels]]
                name = "%s"
                type = "tcp"
                localPort = 4
                """.formatted("n".repeat(65)))).containsExactly(
                "tunnels[1].name: duplicate tunnel name 'web' (also used by tunnels[0])",
                "tunnels[2].name: 'has space' is not a valid tunnel name (expected: 1..64 of A-Z a-z 0-9 _ . -)",
                "tunnels[3].name: '" + "n".repeat(65)
                        + "' is not a valid tunnel name (expected: 1..64 of A-Z a-z 0-9 _ . -)");
    }

    @Test
    void singleBracketsForTunnels() {
        assertThat(failure(SERVER + "[tunnels]\nname = \"ssh\"\ntype = \"tcp\"\nlocalPort = 22\n")).containsExactly(
                "tunnels: expected an array of tables, got a single table; write [[tunnels]] above each entry");
        assertThat(failure(SERVER + "tunnels = []\n"))
                .containsExactly("tunnels: at least one [[tunnels]] or [[visitors]] entry is required");
        assertThat(failure(SERVER + "tunnels = [1]\n")).containsExactly("tunnels[0]: expected a table, got integer 1");
    }

    @Test
    void unsupportedTypeListsTheSupportedOnes() {
        assertThat(failure(SERVER + "[[tunnels]]\nname = \"files\"\ntype = \"ftp\"\nlocalPort = 21\n")).containsExactly(
                "tunnels[0].type: unsupported tunnel type 'ftp' (supported: tcp, udp, http, https, stcp, sudp, xtcp) (tunnel 'files')");
    }

    @Test
    void httpsTunnelsPassTlsThroughUnlessTheNodeTerminatesIt() {
        AgentConfig config = parse(SERVER + """
                [[tunnels]]
                name = "shop"
                type = "https"
                localPort = 8443
                subdomain = "shop"
                [[tunnels]]
                name = "app"
                type = "https"
                tlsTermination = "node"
                localPort = 8080
                customDomains = ["app.example.com"]
                httpUser = "u"
                httpPassword = "p"
                [[tunnels]]
                name = "plain"
                type = "http"
                localPort = 8081
                subdomain = "shop"
                """);
        assertThat(config.tunnels()).containsExactly(
                new TunnelConfig("shop", TunnelConfig.HTTPS, "127.0.0.1", 8443, 0, "shop", List.of(), null, null, null,
                        "passthrough"),
                new TunnelConfig("app", TunnelConfig.HTTPS, "127.0.0.1", 8080, 0, null, List.of("app.example.com"),
                        null, "u", "p", "node"),
                new TunnelConfig("plain", TunnelConfig.HTTP, "127.0.0.1", 8081, 0, "shop", List.of(), null, null, null,
                        null));
    }

    @Test
    void httpsMistakesAreNamed() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "shop"
                type = "https"
                localPort = 8443
                remotePort = 443
                httpUser = "u"
                httpPassword = "p"
                [[tunnels]]
                name = "app"
                type = "https"
                tlsTermination = "edge"
                localPort = 8080
                [[tunnels]]
                name = "web"
                type = "http"
                tlsTermination = "node"
                localPort = 8080
                subdomain = "web"
                """)).containsExactly(
                "tunnels[0].httpUser: needs tlsTermination = \"node\": with TLS passed through to the local service,"
                        + " the node sees no request to check or rewrite (tunnel 'shop')",
                "tunnels[0].httpPassword: needs tlsTermination = \"node\": with TLS passed through to the local"
                        + " service, the node sees no request to check or rewrite (tunnel 'shop')",
                "tunnels[0].remotePort: only valid for tcp and udp tunnels; visitors reach an https tunnel through its"
                        + " 'subdomain' or 'customDomains' on the node's HTTPS port (tunnel 'shop')",
                "tunnels[0]: an https tunnel needs a 'subdomain' or at least one entry in 'customDomains'"
                        + " (tunnel 'shop')",
                "tunnels[1].tlsTermination: 'edge' is not a TLS termination (expected: 'passthrough' to let the local"
                        + " service terminate TLS, or 'node' to let the node do it) (tunnel 'app')",
                "tunnels[1]: an https tunnel needs a 'subdomain' or at least one entry in 'customDomains'"
                        + " (tunnel 'app')",
                "tunnels[2].tlsTermination: only valid for https tunnels (this tunnel is http) (tunnel 'web')");
    }

    @Test
    void udpTunnelHasALocalAddressAndARemotePort() {
        AgentConfig config = parse(SERVER + """
                [[tunnels]]
                name = "dns"
                type = "udp"
                localIP = "10.0.0.53"
                localPort = 53
                remotePort = 5353
                [[tunnels]]
                name = "game"
                type = "udp"
                localPort = 27015
                """);

        assertThat(config.tunnels()).containsExactly(
                new TunnelConfig("dns", TunnelConfig.UDP, "10.0.0.53", 53, 5353, null, List.of(), null, null, null),
                new TunnelConfig("game", TunnelConfig.UDP, "127.0.0.1", 27015, 0, null, List.of(), null, null, null));
    }

    @Test
    void httpOnlyKeysOnAUdpTunnel() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "dns"
                type = "udp"
                localPort = 53
                subdomain = "dns"
                httpUser = "u"
                httpPassword = "p"
                """)).containsExactly(
                "tunnels[0].subdomain: only valid for http tunnels (this tunnel is udp) (tunnel 'dns')",
                "tunnels[0].httpUser: only valid for http tunnels (this tunnel is udp) (tunnel 'dns')",
                "tunnels[0].httpPassword: only valid for http tunnels (this tunnel is udp) (tunnel 'dns')");
    }

    @Test
    void tcpAndUdpTunnelsMayShareAPortNumberButTwoUdpTunnelsMayNot() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "dns-tcp"
                type = "tcp"
                localPort = 53
                remotePort = 20053
                [[tunnels]]
                name = "dns-udp"
                type = "udp"
                localPort = 53
                remotePort = 20053
                [[tunnels]]
                name = "dns-udp-2"
                type = "udp"
                localPort = 54
                remotePort = 20053
                """)).containsExactly(
                "tunnels[2].remotePort: remote UDP port 20053 is already used by tunnels[1] (tunnel 'dns-udp-2')");
    }

    @Test
    void httpTunnelNeedsAHostToBeReachedBy() {
        assertThat(failure(SERVER + "[[tunnels]]\nname = \"web\"\ntype = \"http\"\nlocalPort = 80\n")).containsExactly(
                "tunnels[0]: an http tunnel needs a 'subdomain' or at least one entry in 'customDomains' "
                        + "(tunnel 'web')");
        assertThat(parse(SERVER + "[[tunnels]]\nname = \"w\"\ntype = \"http\"\nlocalPort = 80\n"
                + "customDomains = [\"a.example.com\"]\n").tunnels().get(0).subdomain()).isNull();
    }

    @Test
    void httpOnlyKeysOnATcpTunnel() {
        assertThat(failure(SERVER + SSH + """
                subdomain = "ssh"
                customDomains = ["ssh.example.com"]
                hostHeaderRewrite = "x"
                httpUser = "u"
                httpPassword = "p"
                """)).containsExactly(
                "tunnels[0].subdomain: only valid for http tunnels (this tunnel is tcp) (tunnel 'ssh')",
                "tunnels[0].customDomains: only valid for http tunnels (this tunnel is tcp) (tunnel 'ssh')",
                "tunnels[0].hostHeaderRewrite: only valid for http tunnels (this tunnel is tcp) (tunnel 'ssh')",
                "tunnels[0].httpUser: only valid for http tunnels (this tunnel is tcp) (tunnel 'ssh')",
                "tunnels[0].httpPassword: only valid for http tunnels (this tunnel is tcp) (tunnel 'ssh')");
    }

    @Test
    void remotePortOnAnHttpTunnel() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 80
                subdomain = "web"
                remotePort = 0
                """)).containsExactly("tunnels[0].remotePort: only valid for tcp and udp tunnels; visitors reach an "
                + "http tunnel through its 'subdomain' or 'customDomains' (tunnel 'web')");
    }

    @Test
    void badHostNames() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 80
                subdomain = "Web.app"
                customDomains = [5, "ok.example.com", "bad_domain.com"]
                """)).containsExactly(
                "tunnels[0].subdomain: 'Web.app' is not a single DNS label (expected: 1..63 of a-z 0-9 -, not "
                        + "starting or ending with '-', such as 'web') (tunnel 'web')",
                "tunnels[0].customDomains[0]: expected a string, got integer 5 (tunnel 'web')",
                "tunnels[0].customDomains[2]: 'bad_domain.com' is not a valid DNS name (expected: such as "
                        + "app.example.com) (tunnel 'web')");
    }

    @Test
    void basicAuthNeedsBothHalves() {
        List<String> problems = failure(SERVER + """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 80
                subdomain = "web"
                httpPassword = "hunter2-password"
                """);

        assertThat(problems).containsExactly("tunnels[0].httpUser: required key is missing: 'httpPassword' is set "
                + "and the two go together (tunnel 'web')");
    }

    @Test
    void tunnelsCannotShareHostsOrRemotePorts() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "a"
                type = "http"
                localPort = 80
                subdomain = "web"
                customDomains = ["app.example.com"]
                [[tunnels]]
                name = "b"
                type = "http"
                localPort = 81
                subdomain = "web"
                customDomains = ["APP.example.com"]
                [[tunnels]]
                name = "c"
                type = "tcp"
                localPort = 22
                remotePort = 6022
                [[tunnels]]
                name = "d"
                type = "tcp"
                localPort = 23
                remotePort = 6022
                [[tunnels]]
                name = "e"
                type = "tcp"
                localPort = 24
                """)).containsExactly(
                "tunnels[1].subdomain: subdomain 'web' is already used by tunnels[0] (tunnel 'b')",
                "tunnels[1].customDomains: domain 'APP.example.com' is already used by tunnels[0] (tunnel 'b')",
                "tunnels[3].remotePort: remote port 6022 is already used by tunnels[2] (tunnel 'd')");
    }

    @Test
    void fingerprintForms() {
        String colons = HEX_FINGERPRINT.toUpperCase(java.util.Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
        for (String fp : List.of(FINGERPRINT, HEX_FINGERPRINT, colons)) {
            assertThat(parse(SERVER + "[tls]\nfingerprint = \"" + fp + "\"\n" + SSH).tls().fingerprint())
                    .as(fp).isEqualTo(fp);
        }
    }

    @Test
    void badFingerprint() {
        assertThat(failure(SERVER + "[tls]\nfingerprint = \"SHA256:tooShort\"\n" + SSH)).containsExactly(
                "tls.fingerprint: 'SHA256:tooShort' is not a certificate fingerprint (expected: SHA256:<43 base64 "
                        + "characters>, or 64 hex digits with or without ':' separators)");
        assertThat(failure(SERVER + "[tls]\nfingerprint = \"" + HEX_FINGERPRINT.substring(2) + "zz\"\n" + SSH))
                .hasSize(1);
    }

    @Test
    void caFileIsResolvedAndMustExist() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");

        assertThat(parse(SERVER + "[tls]\ncaFile = \"ca.pem\"\n" + SSH).tls().caFile()).isEqualTo(ca);
        assertThat(failure(SERVER + "[tls]\ncaFile = \"other.pem\"\n" + SSH)).containsExactly(
                "tls.caFile: file not found: " + dir.resolve("other.pem"));
    }

    @Test
    void verificationModesDoNotMix() throws IOException {
        Files.writeString(dir.resolve("ca.pem"), "pem");

        assertThat(failure(SERVER + """
                [tls]
                fingerprint = "%s"
                caFile = "ca.pem"
                insecureSkipVerify = true
                """.formatted(FINGERPRINT) + SSH)).containsExactly(
                "tls: set either 'fingerprint' or 'caFile', not both",
                "tls.insecureSkipVerify: cannot be combined with 'fingerprint', whose check it would switch off; "
                        + "remove one of them");
        assertThat(failure(SERVER + "[tls]\ncaFile = \"ca.pem\"\ninsecureSkipVerify = true\n" + SSH)).containsExactly(
                "tls.insecureSkipVerify: cannot be combined with 'caFile', whose check it would switch off; "
                        + "remove one of them");
        assertThat(parse(SERVER + "[tls]\ninsecureSkipVerify = true\n" + SSH).tls().insecureSkipVerify()).isTrue();
    }

    @Test
    void unknownKeysSuggestTheKnownOne() {
        assertThat(failure(SERVER + """
                serverport = 7000
                [tsl]
                fingerprint = "x"
                [[tunnels]]
                name = "web"
                type = "tcp"
                localPort = 80
                lcoalPort = 8080
                localIp = "127.0.0.1"
                """)).containsExactly(
                "serverport: unknown key 'serverport' (did you mean 'serverPort'?)",
                "tsl: unknown key 'tsl' (did you mean 'tls'?)",
                "tunnels[0].lcoalPort: unknown key 'lcoalPort' (did you mean 'localPort'?) (tunnel 'web')",
                "tunnels[0].localIp: unknown key 'localIp' (did you mean 'localIP'?) (tunnel 'web')");
    }

    @Test
    void everyProblemIsReportedTogether() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> AgentConfigLoader.parse("""
                serverAddr = "x"
                serverPort = 70000
                [[tunnels]]
                name = "a"
                type = "tcp"
                localPort = 0
                [[tunnels]]
                name = "a"
                type = "http"
                localPort = "80"
                """, "flux.toml", dir));

        assertThat(e.getMessage()).isEqualTo("""
                flux.toml: serverPort: 70000 is out of range (expected: 1..65535)
                flux.toml: token: required key is missing
                flux.toml: tunnels[0].localPort: 0 is out of range (expected: 1..65535) (tunnel 'a')
                flux.toml: tunnels[1].name: duplicate tunnel name 'a' (also used by tunnels[0])
                flux.toml: tunnels[1].localPort: expected an integer, got string "80"
                flux.toml: tunnels[1]: an http tunnel needs a 'subdomain' or at least one entry in 'customDomains'""");
    }

    @Test
    void secretsStayOutOfMessagesAndToString() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> AgentConfigLoader.parse(
                "serverAddr = \"x\"\ntoken = 123456789\n" + SSH + "httpPassword = 987654321\n", "flux.toml", dir));

        assertThat(e.getMessage()).doesNotContain("123456789").doesNotContain("987654321");

        AgentConfig config = parse(SERVER + """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 80
                subdomain = "web"
                httpUser = "admin"
                httpPassword = "hunter2-password"
                """);
        assertThat(config.toString()).doesNotContain("flx_secret-token-value").doesNotContain("hunter2-password")
                .contains("admin");
    }

    @Test
    void malformedToml() {
        assertThatThrownBy(() -> AgentConfigLoader.parse("[[tunnels]\nname = \"x\"\n", "flux.toml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("flux.toml: invalid TOML at line 1, ")
                .hasMessageNotContaining("Exception");
    }

    @Test
    void loadResolvesPathsAgainstTheFilesDirectory() throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path ca = Files.writeString(conf.resolve("ca.pem"), "pem");
        Path file = Files.writeString(conf.resolve("flux.toml"), SERVER + "[tls]\ncaFile = \"ca.pem\"\n" + SSH);

        assertThat(AgentConfigLoader.load(file).tls().caFile()).isEqualTo(ca.toAbsolutePath());
    }

    @Test
    void loadReportsAMissingFile() {
        Path file = dir.resolve("flux.toml");

        assertThatThrownBy(() -> AgentConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": file not found (looked for " + file.toAbsolutePath() + ")");
    }

    @Test
    void exampleFileLoads() {
        AgentConfig config = AgentConfigLoader.load(Path.of("../docs/examples/flux.toml"));

        assertThat(config.tunnels()).extracting(TunnelConfig::name).containsExactly("ssh", "web", "shop");
        assertThat(config.tunnels()).extracting(TunnelConfig::type)
                .containsExactly(TunnelConfig.TCP, TunnelConfig.HTTP, TunnelConfig.HTTPS);
    }

    @Test
    void listsAreImmutable() {
        AgentConfig config = parse(SERVER + SSH);

        assertThatThrownBy(() -> config.tunnels().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.tunnels().get(0).customDomains().add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private AgentConfig parse(String toml) {
        return AgentConfigLoader.parse(toml, "flux.toml", dir);
    }

    /** The problems, each as {@code path: message}. */
    private List<String> failure(String toml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> AgentConfigLoader.parse(toml, "flux.toml", dir));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
