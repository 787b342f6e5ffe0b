package dev.flux.installers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flux-node and flux-control-plane .debs: control data, systemd units, conffiles and maintainer scripts; then the
 * jars run from the extracted packages, with the packaged configuration.
 */
class ServerPackagesIT {

    private static final String TOKEN = "flx_smoke-test-token-0123456789";

    @TempDir
    Path temp;

    @Test
    void nodeDebInstallsAHardenedServiceAndItsJarServesTls() throws Exception {
        Deb deb = serverDeb("flux-node", "/etc/flux/node.toml");
        deb.assertContains("/usr/share/flux/gateway-node.jar", "/lib/systemd/system/flux-node.service",
                "/usr/share/doc/flux-node/node.toml.example");

        Path root = deb.extract(temp.resolve("root"));
        String unit = Files.readString(root.resolve("lib/systemd/system/flux-node.service"));
        assertHardened(unit);
        assertThat(unit).contains("User=flux", "StateDirectory=flux/node",
                "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
                "ExecStart=/usr/bin/java $JAVA_OPTS -jar /usr/share/flux/gateway-node.jar --config /etc/flux/node.toml");
        Path jar = root.resolve("usr/share/flux/gateway-node.jar");

        // The shipped node.toml names no one who may connect: the node says so and stops, with no stack trace.
        Proc.Result unconfigured = Proc.run(Proc.SHORT, Proc.java(), "-jar", jar.toString(), "--config",
                root.resolve("etc/flux/node.toml").toString());
        assertThat(unconfigured.exit()).as(unconfigured.out()).isEqualTo(2);
        assertThat(unconfigured.out()).contains("invalid configuration", "tokens").doesNotContain("\tat ");

        // A standalone configuration: the node starts, says it is ready, its tunnel port speaks TLS and its admin
        // listener answers the health check.
        int port = freePort();
        int adminPort = freePort();
        Path config = Files.writeString(temp.resolve("node.toml"), """
                bindAddr = "127.0.0.1"
                bindPort = %d
                vhostHTTPPort = -1
                dataDir = "%s"

                [[tokens]]
                name = "smoke"
                token = "%s"

                [admin]
                bind = "127.0.0.1:%d"
                """.formatted(port, temp.resolve("node-data"), TOKEN, adminPort));
        Path log = temp.resolve("node.log");
        Process node = new ProcessBuilder(Proc.java(), "-Xmx256m", "-jar", jar.toString(), "--config",
                config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitLine(node, log, "node ready", Duration.ofSeconds(90));
            try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(5000);
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                            + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body().trim()).isEqualTo("ok");
        } finally {
            Proc.kill(node);
        }
    }

    @Test
    void controlPlaneDebInstallsAHardenedServiceAndItsJarStartsOnThePackagedConfiguration() throws Exception {
        Deb deb = serverDeb("flux-control-plane", "/etc/flux/control-plane.properties");
        deb.assertContains("/usr/share/flux/control-plane.jar", "/lib/systemd/system/flux-control-plane.service");

        Path root = deb.extract(temp.resolve("root"));
        String unit = Files.readString(root.resolve("lib/systemd/system/flux-control-plane.service"));
        assertHardened(unit);
        assertThat(unit).contains("User=flux", "StateDirectory=flux/control-plane", "CapabilityBoundingSet=\n",
                "--spring.config.additional-location=file:/etc/flux/control-plane.properties")
                .doesNotContain("CAP_NET_BIND_SERVICE");
        Path properties = root.resolve("etc/flux/control-plane.properties");
        assertThat(Files.readString(properties))
                .contains("flux.control-plane.data-dir=/var/lib/flux/control-plane/postgres");

        // The jar from the package on the packaged properties, with the machine-specific paths and port moved
        // into this test's directory: the embedded PostgreSQL starts and the control plane reports itself up.
        int port = freePort();
        Path log = temp.resolve("control-plane.log");
        Process controlPlane = new ProcessBuilder(Proc.java(), "-Xmx384m", "-jar",
                root.resolve("usr/share/flux/control-plane.jar").toString(),
                "--spring.config.additional-location=file:" + properties,
                "--server.address=127.0.0.1", "--server.port=" + port,
                "--flux.control-plane.data-dir=" + temp.resolve("postgres"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI health = URI.create("http://127.0.0.1:" + port + "/actuator/health");
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            String body = null;
            while (body == null) {
                assertThat(controlPlane.isAlive()).as("control plane running; its log:\n%s", read(log)).isTrue();
                assertThat(System.nanoTime()).as("control plane up within 180 s; its log:\n%s", read(log))
                        .isLessThan(deadline);
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(health)
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        body = response.body();
                    }
                } catch (IOException notYet) {
                    Thread.sleep(500);
                }
            }
            assertThat(body).contains("\"UP\"");
            assertThat(read(log)).contains("embedded PostgreSQL running");
        } finally {
            Proc.kill(controlPlane);
        }
    }

    private static void assertHardened(String unit) {
        assertThat(unit).contains("[Install]\nWantedBy=multi-user.target", "Group=flux", "NoNewPrivileges=true",
                "ProtectSystem=strict", "ProtectHome=true", "PrivateTmp=true", "Restart=on-failure");
    }

    /**
     * A server package: it runs on the system's Java, ships {@code config} marked as a conffile, and its maintainer
     * scripts are executable, valid sh, and create the user flux.
     */
    private Deb serverDeb(String packageName, String config) throws IOException {
        Deb deb = Deb.built(packageName, packageName + "-deb");
        assertThat(deb.field("Depends")).contains("default-jre-headless (>= 2:1.17)", "adduser");
        deb.assertContains(config);
        Path control = deb.control(temp.resolve("control"));
        assertThat(Files.readAllLines(control.resolve("conffiles"))).containsExactly(config);
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(control.resolve(script)).isExecutable();
            Proc.ok("sh", "-n", control.resolve(script).toString());
        }
        String postinst = Files.readString(control.resolve("postinst"));
        assertThat(postinst).contains("adduser --system", "useradd --system", "flux_ensure_user\n",
                "systemctl enable --now").doesNotContain("@UNIT@", "#FLUX_COMMON#");
        assertThat(Files.readString(control.resolve("postrm"))).contains("FLUX_PURGE_USER");
        return deb;
    }

    private static void awaitLine(Process process, Path log, String text, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!read(log).contains(text)) {
            assertThat(process.isAlive()).as("still running; its log:\n%s", read(log)).isTrue();
            assertThat(System.nanoTime()).as("'%s' within %s; the log:\n%s", text, timeout, read(log))
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The node's certificate is self-signed (generated in dataDir): this test checks TLS, not trust. */
    private static SSLContext trustAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
