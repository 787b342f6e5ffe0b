package dev.flux.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.protocol.config.ConfigDocument;
import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigReference;
import dev.flux.protocol.config.TomlConfigReader;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md names every key {@link AgentConfigLoader} reads. The loader is run over a skeleton that
 * opens every table it knows, with a tunnel of each type since some keys are read only for some types; every key it
 * asks about is a key a flux.toml may hold.
 */
class AgentConfigReferenceTest {

    @Test
    void everyKeyTheLoaderReadsIsInTheReference() {
        StringBuilder skeleton = new StringBuilder("[tls]\n[inspect]\n[[visitors]]\n");
        for (String type : new String[] {"tcp", "udp", "http", "https", "stcp", "sudp"}) {
            skeleton.append("[[tunnels]]\ntype = \"").append(type).append("\"\nhealthCheck = {}\nwechat = {}\n");
        }
        ConfigDocument document = TomlConfigReader.parse(skeleton.toString(), "skeleton", Path.of(""));
        // A skeleton is never a valid file; what counts is which keys the loader looked for.
        assertThatThrownBy(() -> AgentConfigLoader.build(document)).isInstanceOf(ConfigException.class);
        Set<String> keys = document.keysRead();
        assertThat(keys).contains("serverAddr", "tunnels[].localPort", "tunnels[].healthCheck.path",
                "tunnels[].wechat.appId", "visitors[].bindPort", "inspect.maxExchanges");

        assertThat(ConfigReference.mismatches(keys, ConfigReference.configurationDoc(), "flux.toml"))
                .as("docs/configuration.md against the flux.toml loader (one table row per key, first cell the key"
                        + " path in backticks)")
                .isEmpty();
    }
}
