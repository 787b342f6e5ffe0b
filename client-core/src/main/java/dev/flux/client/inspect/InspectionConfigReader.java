package dev.flux.client.inspect;

import dev.flux.client.wechat.WeChatConfig;
import dev.flux.protocol.config.ConfigDocument;
import dev.flux.protocol.config.ConfigProblem;
import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigTable;
import dev.flux.protocol.config.TomlConfigReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the inspector's keys of {@code flux.toml}:
 * <pre>
 * inspect = { maxExchanges = 100, maxBodyBytes = 65536 }   # maxExchanges = 0 turns the inspector off
 *
 * [[tunnels]]
 * name = "wx"
 * type = "http"
 * wechat = { token = "...", encodingAESKey = "...", appId = "wx..." }
 * </pre>
 * {@code AgentConfigLoader} calls {@link #read(ConfigTable)} on the same document, so that these keys are known and
 * their problems are reported with the others.
 */
public final class InspectionConfigReader {

    private static final Pattern AES_KEY = Pattern.compile("[A-Za-z0-9+/]{43}");

    private InspectionConfigReader() {
    }

    /**
     * Reads a file the agent configuration loader has accepted.
     *
     * @throws ConfigException listing the problems of the inspector's keys
     */
    public static InspectionConfig load(Path file) {
        ConfigDocument document = TomlConfigReader.read(file);
        InspectionConfig config = read(document.root());
        List<ConfigProblem> mine = document.problems().stream()
                .filter(p -> p.path().startsWith("inspect") || p.path().contains(".wechat")).toList();
        if (!mine.isEmpty()) {
            throw new ConfigException(document.source(), mine);
        }
        return config;
    }

    /** Reads the keys from the top-level table; problems are recorded in the document. */
    public static InspectionConfig read(ConfigTable root) {
        ConfigTable inspect = root.table("inspect");
        int maxExchanges = inspect.integer("maxExchanges", InspectSettings.DEFAULT.maxExchanges(), 0, 10_000);
        int maxBodyBytes = inspect.integer("maxBodyBytes", InspectSettings.DEFAULT.maxBodyBytes(), 0,
                16 * 1024 * 1024);
        Map<String, WeChatConfig> wechat = new LinkedHashMap<>();
        // the agent's loader has read "tunnels" in this document already when it reported a problem with it
        List<ConfigTable> tunnels = root.hasProblems("tunnels") ? List.of() : root.tables("tunnels");
        for (ConfigTable t : tunnels) {
            ConfigTable w = t.table("wechat");
            if (!t.has("wechat")) {
                continue;
            }
            String name = t.string("name");
            if (!"http".equals(t.string("type"))) {
                t.problem("wechat", "only valid for http tunnels: WeChat calls a server over HTTP");
            }
            String token = w.requiredSecret("token");
            String key = w.secret("encodingAESKey");
            String appId = w.string("appId");
            if (w.has("encodingAESKey") && appId == null) {
                w.problem("appId", "required with encodingAESKey: safe-mode messages carry the AppID");
            }
            if (token != null && !token.matches("[A-Za-z0-9]{3,32}")) {
                w.problem("token", "expected 3 to 32 letters and digits, as entered in the WeChat admin console");
                token = null;
            }
            if (key != null && !AES_KEY.matcher(key).matches()) {
                w.problem("encodingAESKey", "expected the 43 letters, digits, '+' and '/' of the EncodingAESKey in "
                        + "the WeChat admin console (this one has " + key.length() + " characters)");
                key = null;
            }
            if (name != null && token != null) {
                wechat.put(name, new WeChatConfig(token, key, appId));
            }
        }
        return new InspectionConfig(new InspectSettings(maxExchanges, maxBodyBytes), wechat);
    }
}
