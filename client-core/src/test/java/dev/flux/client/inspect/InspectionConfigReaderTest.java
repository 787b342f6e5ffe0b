package dev.flux.client.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.client.config.AgentConfigLoader;
import dev.flux.client.wechat.WeChatConfig;
import dev.flux.protocol.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectionConfigReaderTest {

    static final String BASE = """
            serverAddr = "127.0.0.1"
            token = "flx_0123456789abcdef"
            """;

    @TempDir
    Path dir;

    @Test
    void inspectAndWeChatKeysAreRead() throws Exception {
        Path file = dir.resolve("flux.toml");
        Files.writeString(file, BASE + """
                inspect = { maxExchanges = 20, maxBodyBytes = 4096 }
                [[tunnels]]
                name = "wx"
                type = "http"
                localPort = 8080
                subdomain = "wx"
                wechat = { token = "pamtest", encodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", appId = "wxb11529c136998cb6" }
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 8081
                subdomain = "web"
                """);
        AgentConfigLoader.load(file); // the agent's loader accepts the keys
        InspectionConfig config = InspectionConfigReader.load(file);
        assertThat(config.settings()).isEqualTo(new InspectSettings(20, 4096));
        assertThat(config.wechat()).containsOnlyKeys("wx");
        assertThat(config.wechat().get("wx")).isEqualTo(new WeChatConfig("pamtest",
                "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6"));
    }

    @Test
    void withoutTheKeysTheDefaultsApply() throws Exception {
        Path file = dir.resolve("flux.toml");
        Files.writeString(file, BASE + """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 8081
                subdomain = "web"
                """);
        assertThat(InspectionConfigReader.load(file)).isEqualTo(InspectionConfig.DEFAULT);
    }

    @Test
    void unknownKeysAreReported() {
        assertThatThrownBy(() -> AgentConfigLoader.parse(BASE + """
                inspect = { maxBody = 1 }
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 8081
                subdomain = "web"
                wechat = { tokn = "pamtest" }
                """, "flux.toml"))
                .hasMessageContaining("inspect.maxBody: unknown key 'maxBody'")
                .hasMessageContaining("tunnels[0].wechat.tokn: unknown key 'tokn' (did you mean 'token'?)");
    }

    @Test
    void problemsNameTheirKeys() {
        assertThatThrownBy(() -> AgentConfigLoader.parse(BASE + """
                inspect = { maxExchanges = -1, maxBody = 1 }
                [[tunnels]]
                name = "ssh"
                type = "tcp"
                localPort = 22
                wechat = { token = "pamtest" }
                [[tunnels]]
                name = "wx"
                type = "http"
                localPort = 8080
                subdomain = "wx"
                wechat = { token = "a b", encodingAESKey = "short" }
                """, "flux.toml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("inspect.maxExchanges")
                .hasMessageContaining("tunnels[0].wechat: only valid for http tunnels")
                .hasMessageContaining("tunnels[1].wechat.token: expected 3 to 32 letters and digits")
                .hasMessageContaining("tunnels[1].wechat.encodingAESKey: expected the 43 letters")
                .hasMessageContaining("tunnels[1].wechat.appId: required with encodingAESKey")
                .hasMessageNotContaining("short");
    }
}
