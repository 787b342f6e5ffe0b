package dev.flux.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.protocol.config.ConfigDocument;
import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigReference;
import dev.flux.protocol.config.TomlConfigReader;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md names every key {@link NodeConfigLoader} reads. The loader is run over skeletons that open
 * every table it knows (standalone and control-plane mode read different tables); every key it asks about is a key
 * a node.toml may hold.
 */
class NodeConfigReferenceTest {

    private static final String STANDALONE = """
            [tls]
            [admin]
            [[tokens]]
            [[certificates]]
            [[allowPorts]]
            [[staticMappings]]
            healthCheck = {}
            """;
    private static final String WITH_CONTROL_PLANE = """
            [controlPlane]
            """;

    @Test
    void everyKeyTheLoaderReadsIsInTheReference() {
        Set<String> keys = new TreeSet<>();
        for (String skeleton : new String[] {STANDALONE, WITH_CONTROL_PLANE}) {
            ConfigDocument document = TomlConfigReader.parse(skeleton, "skeleton", Path.of(""));
            // A skeleton is never a valid file; what counts is which keys the loader looked for.
            assertThatThrownBy(() -> NodeConfigLoader.build(document)).isInstanceOf(ConfigException.class);
            keys.addAll(document.keysRead());
        }
        assertThat(keys).contains("bindPort", "tokens[].name", "controlPlane.url", "admin.bind",
                "staticMappings[].healthCheck.intervalSeconds");

        assertThat(ConfigReference.mismatches(keys, ConfigReference.configurationDoc(), "node.toml"))
                .as("docs/configuration.md against the node.toml loader (one table row per key, first cell"
                        + " the key path in backticks)")
                .isEmpty();
    }
}
