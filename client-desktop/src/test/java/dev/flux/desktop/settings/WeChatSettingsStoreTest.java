package dev.flux.desktop.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.inspect.InspectSettings;
import dev.flux.client.inspect.RequestCapture;
import dev.flux.client.inspect.RequestInspector;
import dev.flux.client.wechat.WeChatConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeChatSettingsStoreTest {

    static final String KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    @TempDir
    Path dir;

    @Test
    void whatTheApiSetsIsSavedPrivatelyAndTurnedOnAgainAtTheNextStart() throws Exception {
        WeChatSettingsStore store = new WeChatSettingsStore(dir);
        RequestInspector first = inspector();
        store.keep(first);
        assertThat(put(first, "wx", "{\"token\":\"myToken123\",\"encodingAESKey\":\"" + KEY
                + "\",\"appId\":\"wx1234567890abcdef\"}").status()).isEqualTo(204);
        assertThat(put(first, "plain", "{\"token\":\"other42\"}").status()).isEqualTo(204);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");

        RequestInspector next = inspector();
        new WeChatSettingsStore(dir).keep(next);
        String listed = new String(next.handle("GET", "/api/wechat", null, null, "").body(), StandardCharsets.UTF_8);
        assertThat(listed).contains("\"wx\":{\"encrypted\":true,\"appId\":\"wx1234567890abcdef\"}")
                .contains("\"plain\":{\"encrypted\":false");
        assertThat(store.load()).containsEntry("wx", new WeChatConfig("myToken123", KEY, "wx1234567890abcdef"))
                .containsEntry("plain", new WeChatConfig("other42", null, null));

        assertThat(next.handle("DELETE", "/api/wechat/wx", null, null, "").status()).isEqualTo(204);
        assertThat(store.load()).containsOnlyKeys("plain");
    }

    @Test
    void aDamagedOrInvalidFileLosesOnlyWhatIsWrong() throws Exception {
        Files.writeString(dir.resolve(WeChatSettingsStore.FILE_NAME), "good.token=fine123\nbad.token=x\n"
                + "bad.encodingAESKey=short\n");
        assertThat(new WeChatSettingsStore(dir).load()).containsOnlyKeys("good");
        assertThat(new WeChatSettingsStore(dir.resolve("none")).load()).isEmpty();
    }

    private static RequestInspector inspector() {
        return new RequestInspector(new RequestCapture(InspectSettings.DEFAULT, null),
                name -> Optional.of(new RequestInspector.TunnelTarget("127.0.0.1", 8080, "http://" + name
                        + ".localhost")));
    }

    private static RequestInspector.Response put(RequestInspector inspector, String tunnel, String json) {
        return inspector.handle("PUT", "/api/wechat/" + tunnel, null, json.getBytes(StandardCharsets.UTF_8), "");
    }
}
