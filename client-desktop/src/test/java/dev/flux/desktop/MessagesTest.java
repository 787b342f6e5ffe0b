package dev.flux.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private static final Path SOURCES = Path.of("src/main");

    @Test
    void bothLanguagesHaveTheSameKeys() throws IOException {
        Set<String> english = keys("messages.properties");
        Set<String> chinese = keys("messages_zh_CN.properties");
        assertThat(chinese).as("keys of the Chinese bundle").isEqualTo(english);
    }

    @Test
    void everyKeyTheScreensAndViewModelsUseIsInTheBundles() throws IOException {
        Set<String> english = keys("messages.properties");
        Set<String> used = new TreeSet<>();
        Pattern inFxml = Pattern.compile("\"%([a-zA-Z.]+)\"");
        Pattern inJava = Pattern.compile("messages\\.get\\(\"([a-zA-Z.]*[a-zA-Z])\"");
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                Pattern p = name.endsWith(".fxml") ? inFxml : name.endsWith(".java") ? inJava : null;
                if (p == null) {
                    continue;
                }
                Matcher m = p.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertThat(used).as("keys found in the sources").hasSizeGreaterThan(40);
        assertThat(english).as("keys of the English bundle").containsAll(used);
    }

    @Test
    void chineseIsChosenForAnyChineseLocaleAndArgumentsAreFilledIn() {
        Messages zh = new Messages(Locale.forLanguageTag("zh-TW"));
        assertThat(zh.locale()).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(zh.get("state.reconnectingIn", 3)).isEqualTo("3 秒后重新连接");
        Messages en = new Messages(Locale.GERMAN);
        assertThat(en.get("state.reconnectingIn", 3)).isEqualTo("reconnecting in 3 s");
        assertThat(en.get("expose.error.port", "abc")).isEqualTo(
                "'abc' is not a port: enter a number from 1 to 65535.");
    }

    private static Set<String> keys(String file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream(file)) {
            assertThat(in).as(file).isNotNull();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return new TreeSet<>(p.stringPropertyNames());
    }
}
