package dev.flux.desktop.settings;

import dev.flux.client.inspect.RequestInspector;
import dev.flux.client.wechat.WeChatConfig;
import dev.flux.protocol.files.PrivateFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code wechat.properties} in the configuration directory: each tunnel's WeChat mode (token, EncodingAESKey,
 * AppID), so the app turns it on again at its next start. The token and key are secrets: the file is readable by
 * its owner only (on POSIX file systems), like {@code credentials.toml}.
 */
public final class WeChatSettingsStore {

    public static final String FILE_NAME = "wechat.properties";
    private static final Logger log = LoggerFactory.getLogger(WeChatSettingsStore.class);

    private final Path file;

    public WeChatSettingsStore(Path configDir) {
        this.file = configDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /**
     * Turns on the saved WeChat modes in {@code inspector} and saves them again whenever its API changes them (the
     * app's screen, or {@code fluxctl wechat set} against the app's admin API).
     */
    public void keep(RequestInspector inspector) {
        load().forEach(inspector::wechat);
        inspector.onWeChatChange(settings -> {
            try {
                save(settings);
            } catch (UncheckedIOException e) {
                log.warn("{}", e.getMessage());
            }
        });
    }

    /** The saved settings by tunnel name; what is damaged or invalid is left out (and logged). */
    public Map<String, WeChatConfig> load() {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | IllegalArgumentException e) {
            log.warn("{}: cannot read the saved WeChat settings ({}); set them again", file, e.getMessage());
            return Map.of();
        }
        Map<String, WeChatConfig> out = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (!key.endsWith(".token")) {
                continue;
            }
            String tunnel = key.substring(0, key.length() - ".token".length());
            try {
                out.put(tunnel, new WeChatConfig(p.getProperty(key), p.getProperty(tunnel + ".encodingAESKey"),
                        p.getProperty(tunnel + ".appId")));
            } catch (IllegalArgumentException e) {
                log.warn("{}: the WeChat settings of tunnel {} are left off: {}", file, tunnel, e.getMessage());
            }
        }
        return out;
    }

    /** Replaces the saved settings with {@code settings} (written to a new file, then moved over the old one). */
    public void save(Map<String, WeChatConfig> settings) {
        Properties p = new Properties();
        settings.forEach((tunnel, cfg) -> {
            p.setProperty(tunnel + ".token", cfg.token());
            if (cfg.encodingAesKey() != null) {
                p.setProperty(tunnel + ".encodingAESKey", cfg.encodingAesKey());
            }
            if (cfg.appId() != null) {
                p.setProperty(tunnel + ".appId", cfg.appId());
            }
        });
        StringWriter text = new StringWriter();
        try {
            p.store(text, "FLUX desktop app: WeChat mode per tunnel (holds secrets: keep this file private)");
            PrivateFiles.write(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot save the WeChat settings: " + e.getMessage(), e);
        }
    }
}
