package dev.flux.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.flux.node.config.NodeConfig;
import dev.flux.node.config.NodeConfigLoader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/deploy/ as Docker and Kubernetes would take it, on a machine that has neither: the Dockerfiles COPY files
 * that exist once the reactor has packaged the jars, and their health checks ask the port and path the servers
 * answer on; the manifests parse, hold the kinds they should, and their probes, ports and mounts agree with the
 * node.toml and application.properties they mount. The node.toml files go through the node's own loader, so a
 * manifest with a key the node would refuse fails here. (Not in {@code dev.flux.e2e}: these are file checks, not
 * end-to-end tests of running programs.)
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of(System.getProperty("flux.repositoryRoot", "..")).toAbsolutePath()
            .normalize();
    private static final Path DEPLOY = ROOT.resolve("docs/deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern HEALTH_URL = Pattern.compile("http://127\\.0\\.0\\.1:([0-9]+)(/[^\\s|]*)");

    @TempDir
    Path tmp;

    @Test
    void theNodeImageCopiesBuiltFilesAndChecksTheAdminPortOfItsConfiguration() throws Exception {
        Dockerfile docker = Dockerfile.read(DEPLOY.resolve("docker/gateway-node.Dockerfile"));
        docker.assertBasics(ROOT);
        assertThat(docker.copies()).containsEntry("gateway-node/target/gateway-node.jar", "/opt/flux/gateway-node.jar")
                .containsEntry("docs/deploy/docker/node.toml", "/etc/flux/node.toml");
        assertThat(docker.entrypoint()).endsWith("\"--config\", \"/etc/flux/node.toml\"]");

        NodeConfig config = NodeConfigLoader.load(DEPLOY.resolve("docker/node.toml"));
        assertThat(config.admin()).as("[admin] in the image's node.toml").isNotNull();
        Matcher health = docker.healthCheckUrl();
        assertThat(Integer.parseInt(health.group(1))).isEqualTo(config.admin().port());
        assertThat(health.group(2)).isEqualTo("/healthz");
        assertThat(docker.exposed()).contains(config.bindPort(), config.vhostHttpPort(), config.admin().port());
    }

    @Test
    void theControlPlaneImageCopiesTheBuiltJarAndChecksItsHealthOnItsPort() throws Exception {
        Dockerfile docker = Dockerfile.read(DEPLOY.resolve("docker/control-plane.Dockerfile"));
        docker.assertBasics(ROOT);
        assertThat(docker.copies()).containsEntry("control-plane/target/control-plane.jar",
                "/opt/flux/control-plane.jar");
        int port = Integer.parseInt(builtInProperties().getProperty("server.port"));
        Matcher health = docker.healthCheckUrl();
        assertThat(Integer.parseInt(health.group(1))).isEqualTo(port);
        assertThat(health.group(2)).isEqualTo("/actuator/health");
        assertThat(docker.exposed()).containsExactly(port);
    }

    @Test
    void theControlPlaneManifestsProbeTheActuatorOnTheConfiguredPort() throws Exception {
        Manifests m = Manifests.read(DEPLOY.resolve("k8s/control-plane.yaml"));
        assertThat(m.kinds()).containsExactly("ConfigMap", "Secret", "Deployment", "Service");

        JsonNode container = m.onlyContainer("Deployment");
        Properties properties = new Properties();
        properties.load(new StringReader(m.one("ConfigMap").path("data").path("application.properties").asText()));
        int port = Integer.parseInt(properties.getProperty("server.port"));
        assertThat(properties.getProperty("spring.datasource.url")).startsWith("jdbc:postgresql://");
        assertThat(m.probe(container, "livenessProbe")).isEqualTo("/actuator/health/liveness:" + port);
        assertThat(m.probe(container, "readinessProbe")).isEqualTo("/actuator/health/readiness:" + port);
        assertThat(m.probe(container, "startupProbe")).isEqualTo("/actuator/health/liveness:" + port);
        assertThat(mountPathOf(container, m, "ConfigMap")).isEqualTo("/etc/flux");
        m.assertSecretReferencesResolve(container);
        assertThat(m.one("Secret").path("stringData").has("SPRING_DATASOURCE_PASSWORD")).isTrue();
        m.assertServiceReaches("Deployment", container);
    }

    @Test
    void theNodeManifestsMountAConfigurationTheNodeAcceptsAndProbeItsAdminPort() throws Exception {
        Manifests m = Manifests.read(DEPLOY.resolve("k8s/gateway-node.yaml"));
        assertThat(m.kinds()).containsExactly("ConfigMap", "Secret", "DaemonSet");
        JsonNode container = m.onlyContainer("DaemonSet");

        // The files as the pod sees them: node.toml where the ConfigMap is mounted, the credential where the
        // Secret is; then the node's loader reads them.
        String configDir = mountPathOf(container, m, "ConfigMap");
        String secretDir = mountPathOf(container, m, "Secret");
        assertThat(secretDir).startsWith(configDir + "/");
        Path etc = Files.createDirectories(tmp.resolve(configDir.substring(1)));
        Path nodeToml = Files.writeString(etc.resolve("node.toml"),
                m.one("ConfigMap").path("data").path("node.toml").asText());
        Path secrets = Files.createDirectories(tmp.resolve(secretDir.substring(1)));
        m.one("Secret").path("stringData").fields().forEachRemaining(e -> write(secrets.resolve(e.getKey()),
                e.getValue().asText()));
        NodeConfig config = NodeConfigLoader.load(nodeToml);
        assertThat(container.path("args").toString()).isEqualTo("[\"--config\",\"" + configDir + "/node.toml\"]");

        assertThat(config.controlPlane()).as("control-plane mode").isNotNull();
        assertThat(config.admin()).as("[admin]").isNotNull();
        assertThat(config.admin().bindAddr()).as("the kubelet probes the pod's address").isEqualTo("0.0.0.0");
        assertThat(m.probe(container, "livenessProbe")).isEqualTo("/healthz:" + config.admin().port());
        assertThat(m.probe(container, "readinessProbe")).isEqualTo("/readyz:" + config.admin().port());

        Map<Integer, Integer> hostPorts = new HashMap<>();
        for (JsonNode p : container.path("ports")) {
            if (p.has("hostPort")) {
                hostPorts.put(p.path("containerPort").asInt(), p.path("hostPort").asInt());
            }
        }
        assertThat(hostPorts).containsKeys(config.bindPort(), config.vhostHttpPort(),
                config.https().vhostHttpsPort());
        for (NodeConfig.PortRange r : config.allowPorts()) {
            for (int port = r.start(); port <= r.end(); port++) {
                assertThat(hostPorts).as("tunnel port %d of allowPorts", port).containsEntry(port, port);
            }
        }
        List<String> mounts = new ArrayList<>();
        container.path("volumeMounts").forEach(v -> mounts.add(v.path("mountPath").asText()));
        assertThat(mounts).as("dataDir is a volume").contains(config.dataDir().toString());
    }

    private static String mountPathOf(JsonNode container, Manifests m, String kind) {
        String name = m.one(kind).path("metadata").path("name").asText();
        String volume = null;
        for (JsonNode v : m.podSpec(container).path("volumes")) {
            boolean matches = "ConfigMap".equals(kind) ? v.path("configMap").path("name").asText().equals(name)
                    : v.path("secret").path("secretName").asText().equals(name);
            if (matches) {
                volume = v.path("name").asText();
            }
        }
        assertThat(volume).as("a volume from the %s %s", kind, name).isNotNull();
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError("volume " + volume + " is not mounted");
    }

    private static Properties builtInProperties() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve("control-plane/src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + file, e);
        }
    }

    /** A Dockerfile's instructions, continuation lines joined. */
    private record Dockerfile(Path file, List<String> instructions) {

        static Dockerfile read(Path file) throws IOException {
            List<String> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                if (current.isEmpty() && (line.isBlank() || line.stripLeading().startsWith("#"))) {
                    continue;
                }
                if (line.endsWith("\\")) {
                    current.append(line, 0, line.length() - 1).append(' ');
                } else {
                    instructions.add(current.append(line).toString().strip());
                    current.setLength(0);
                }
            }
            return new Dockerfile(file, instructions);
        }

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.startsWith(keyword + " "))
                    .map(i -> i.substring(keyword.length() + 1).strip()).toList();
        }

        /** Source (relative to the build context) to destination. */
        Map<String, String> copies() {
            Map<String, String> copies = new HashMap<>();
            for (String copy : all("COPY")) {
                String[] words = copy.split("\\s+");
                assertThat(words).as("COPY %s: one source and a destination, no --from", copy).hasSize(2);
                copies.put(words[0], words[1]);
            }
            return copies;
        }

        String entrypoint() {
            return all("ENTRYPOINT").get(0).replaceAll("\\s+", " ");
        }

        Matcher healthCheckUrl() {
            List<String> checks = all("HEALTHCHECK");
            assertThat(checks).as("one HEALTHCHECK in " + file).hasSize(1);
            Matcher m = HEALTH_URL.matcher(checks.get(0));
            assertThat(m.find()).as("HEALTHCHECK asks a local URL: " + checks.get(0)).isTrue();
            return m;
        }

        List<Integer> exposed() {
            List<Integer> ports = new ArrayList<>();
            all("EXPOSE").forEach(e -> List.of(e.split("\\s+")).forEach(p -> ports.add(Integer.parseInt(p))));
            return ports;
        }

        /** The base image, a non-root user, and every COPY source present in the packaged build. */
        void assertBasics(Path context) {
            assertThat(all("FROM")).containsExactly("eclipse-temurin:17-jre");
            assertThat(all("USER")).as("runs as a non-root user").hasSize(1).doesNotContain("root", "0");
            copies().keySet().forEach(source -> assertThat(context.resolve(source))
                    .as("COPY %s in %s (build the jars first: ./mvnw -B package -DskipTests)", source,
                            file.getFileName()).isRegularFile());
            assertThat(all("VOLUME")).isNotEmpty();
        }
    }

    /** The documents of one manifest file. */
    private record Manifests(Path file, List<JsonNode> documents) {

        static Manifests read(Path file) throws IOException {
            List<JsonNode> docs = new ArrayList<>();
            try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
                while (it.hasNext()) {
                    JsonNode doc = it.next();
                    if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                        assertThat(doc.path("apiVersion").asText()).as("apiVersion in " + file).isNotEmpty();
                        assertThat(doc.path("metadata").path("name").asText()).as("metadata.name").isNotEmpty();
                        docs.add(doc);
                    }
                }
            }
            return new Manifests(file, docs);
        }

        List<String> kinds() {
            return documents.stream().map(d -> d.path("kind").asText()).toList();
        }

        JsonNode one(String kind) {
            List<JsonNode> found = documents.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
            assertThat(found).as("one %s in %s", kind, file).hasSize(1);
            return found.get(0);
        }

        JsonNode onlyContainer(String workloadKind) {
            JsonNode containers = one(workloadKind).path("spec").path("template").path("spec").path("containers");
            assertThat(containers.size()).as("containers of the " + workloadKind).isEqualTo(1);
            return containers.get(0);
        }

        JsonNode podSpec(JsonNode container) {
            for (JsonNode d : documents) {
                JsonNode spec = d.path("spec").path("template").path("spec");
                for (JsonNode c : spec.path("containers")) {
                    if (c == container) {
                        return spec;
                    }
                }
            }
            throw new AssertionError("container not found");
        }

        /** {@code path:port} of an httpGet probe, a named port resolved to its number. */
        String probe(JsonNode container, String probe) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.isMissingNode()).as(probe + " is an httpGet probe").isFalse();
            return get.path("path").asText() + ":" + port(container, get.path("port"));
        }

        static int port(JsonNode container, JsonNode port) {
            if (port.isInt()) {
                return port.asInt();
            }
            for (JsonNode p : container.path("ports")) {
                if (p.path("name").asText().equals(port.asText())) {
                    return p.path("containerPort").asInt();
                }
            }
            throw new AssertionError("no container port named " + port);
        }

        void assertSecretReferencesResolve(JsonNode container) {
            JsonNode secret = one("Secret");
            for (JsonNode env : container.path("env")) {
                JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    assertThat(ref.path("name").asText()).isEqualTo(secret.path("metadata").path("name").asText());
                    assertThat(secret.path("stringData").has(ref.path("key").asText()))
                            .as("secret key " + ref.path("key")).isTrue();
                }
            }
        }

        void assertServiceReaches(String workloadKind, JsonNode container) {
            JsonNode service = one("Service");
            JsonNode podLabels = one(workloadKind).path("spec").path("template").path("metadata").path("labels");
            service.path("spec").path("selector").fields().forEachRemaining(e ->
                    assertThat(podLabels.path(e.getKey()).asText()).as("selector " + e.getKey())
                            .isEqualTo(e.getValue().asText()));
            for (JsonNode p : service.path("spec").path("ports")) {
                port(container, p.path("targetPort"));
            }
        }
    }
}
