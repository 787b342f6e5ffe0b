package dev.flux.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TomlConfigReaderTest {

    @TempDir
    Path dir;

    @Test
    void syntaxErrorNamesFileLineColumnAndTheLine() {
        ConfigException e = parseFailure("a = 1\nb = \nc = 3\n");

        assertThat(e.getMessage())
                .isEqualTo("node.toml: invalid TOML at line 2, column 5 ('b ='): newline not permitted here");
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.path()).isEmpty());
    }

    @Test
    void duplicateKeyIsASyntaxError() {
        ConfigException e = parseFailure("bindPort = 1\nbindPort = 2\n");

        assertThat(e.getMessage())
                .isEqualTo("node.toml: invalid TOML at line 2, column 13 ('bindPort = 2'): duplicate key");
    }

    @Test
    void duplicateKeyFollowedByMoreKeysPointsAtTheDuplicate() {
        ConfigException e = parseFailure("a = 1\n# note\na = 2\n\n# trailing comment\nb = 3\n");

        assertThat(e.getMessage()).isEqualTo("node.toml: invalid TOML at line 3, column 6 ('a = 2'): duplicate key");
    }

    @Test
    void unclosedArrayAtTheEndPointsAtItsLastLine() {
        ConfigException e = parseFailure("ports = [1,\n  2\n");

        assertThat(e.getMessage()).startsWith("node.toml: invalid TOML at line 2, column 4 ('2'): ");
    }

    @Test
    void parserTokenNamesAreSpelledAsTheTextTheyStandFor() {
        assertThat(parseFailure("[[tunnels]\nname = \"x\"\n").getMessage()).isEqualTo(
                "node.toml: invalid TOML at line 1, column 11 ('[[tunnels]'): unexpected token: got ']', expected ']]'");
        assertThat(parseFailure("a = 1\n[[a]]\n").getMessage()).isEqualTo(
                "node.toml: invalid TOML at line 2, column 4 ('[[a]]'): path into existing non-array value of type "
                        + "number");
    }

    @Test
    void errorAtTheStartOfALineStaysThere() {
        ConfigException e = parseFailure("a = 1\n= 2\n");

        assertThat(e.getMessage()).startsWith("node.toml: invalid TOML at line 2, column 1 ('= 2'): ");
    }

    @Test
    void syntaxErrorsCarryNoParserInternals() {
        for (String bad : new String[] {"a = = 1", "[a\n", "a = \"open\n", "a = [1, 2\n", "x = 0123", "a = {b=1,}",
                "[t]\n[t]\n", "a = 1\n[[a]]\n", "a = \"\\q\"", "key without value"}) {
            ConfigException e = parseFailure(bad);
            assertThat(e.getMessage())
                    .as(bad)
                    .startsWith("node.toml: invalid TOML at line ")
                    .doesNotContainIgnoringCase("jackson")
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ")
                    .doesNotContain("Source:")
                    .doesNotContain("\n");
        }
    }

    @Test
    void longLinesAreShortenedInTheMessage() {
        ConfigException e = parseFailure("name = \"" + "x".repeat(100) + "\" junk\n");

        assertThat(e.getMessage()).contains("('name = \"" + "x".repeat(52) + "...')");
    }

    @Test
    void emptyTextIsAnEmptyTable() {
        ConfigDocument doc = TomlConfigReader.parse("# nothing here\n", "x.toml", dir);

        assertThat(doc.root().has("anything")).isFalse();
        assertThat(doc.problems()).isEmpty();
    }

    @Test
    void byteOrderMarkIsIgnored() {
        ConfigDocument doc = TomlConfigReader.parse("\uFEFFport = 1\n", "x.toml", dir);

        assertThat(doc.root().integer("port", 0, 0, 10)).isEqualTo(1);
    }

    @Test
    void readsAFileAndResolvesPathsAgainstItsDirectory() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Path file = Files.writeString(sub.resolve("node.toml"), "dataDir = \"data\"\nport = 7\n");

        ConfigDocument doc = TomlConfigReader.read(file);

        assertThat(doc.source()).isEqualTo(file.toString());
        assertThat(doc.baseDir()).isEqualTo(sub.toAbsolutePath());
        assertThat(doc.root().path("dataDir", null)).isEqualTo(sub.resolve("data").toAbsolutePath());
        assertThat(doc.root().integer("port", 0, 0, 10)).isEqualTo(7);
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.toml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> TomlConfigReader.read(file));

        assertThat(e.getMessage()).isEqualTo(file + ": file not found (looked for " + file.toAbsolutePath() + ")");
    }

    @Test
    void directoryInsteadOfFile() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> TomlConfigReader.read(dir));

        assertThat(e.getMessage()).startsWith(dir + ": is a directory, not a configuration file");
    }

    @Test
    void notUtf8() throws IOException {
        Path file = Files.write(dir.resolve("latin1.toml"), "name = \"caf\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1));

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> TomlConfigReader.read(file));

        assertThat(e.getMessage()).isEqualTo(file + ": not valid UTF-8 text; TOML files must be UTF-8");
    }

    @Test
    void syntaxErrorInAFileNamesTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.toml"), "serverPort = \n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> TomlConfigReader.read(file));

        assertThat(e.getMessage()).startsWith(file + ": invalid TOML at line 1, column 14");
    }

    private ConfigException parseFailure(String toml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> TomlConfigReader.parse(toml, "node.toml", dir));
        assertThat(e).as("expected a ConfigException for %s", toml).isNotNull();
        return e;
    }
}
