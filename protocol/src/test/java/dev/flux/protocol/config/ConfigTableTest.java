package dev.flux.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTableTest {

    @TempDir
    Path dir;

    @Test
    void readsValuesAndDefaults() {
        ConfigDocument doc = parse("""
                host = "example.com"
                port = 8080
                on = true
                names = ["a", "b"]
                """);
        ConfigTable root = doc.root();

        assertThat(root.string("host")).isEqualTo("example.com");
        assertThat(root.requiredString("host")).isEqualTo("example.com");
        assertThat(root.string("absent", "fallback")).isEqualTo("fallback");
        assertThat(root.string("absent")).isNull();
        assertThat(root.integer("port", 1, 1, 65535)).isEqualTo(8080);
        assertThat(root.integer("absentPort", 7000, 1, 65535)).isEqualTo(7000);
        assertThat(root.bool("on", false)).isTrue();
        assertThat(root.bool("off", false)).isFalse();
        assertThat(root.strings("names")).containsExactly("a", "b");
        assertThat(root.strings("absentNames")).isEmpty();
        assertThat(doc.problems()).isEmpty();
    }

    @Test
    void wrongTypesNameTheKeyTheExpectedTypeAndTheValue() {
        ConfigDocument doc = parse("""
                port = "8080"
                host = 42
                on = "yes"
                ratio = 1.5
                names = "a"
                tls = 3
                tunnels = { a = 1 }
                """);
        ConfigTable root = doc.root();

        assertThat(root.integer("port", 7000, 1, 65535)).isEqualTo(7000);
        assertThat(root.string("host", "h")).isEqualTo("h");
        assertThat(root.bool("on", false)).isFalse();
        root.integer("ratio", 1, 0, 10);
        assertThat(root.strings("names")).isEmpty();
        root.table("tls");
        assertThat(root.tables("tunnels")).isEmpty();

        assertThat(lines(doc)).containsExactly(
                "port: expected an integer, got string \"8080\"",
                "host: expected a string, got integer 42",
                "on: expected a boolean (true or false), got string \"yes\"",
                "ratio: expected an integer, got float 1.5",
                "names: expected an array of strings, got string \"a\"",
                "tls: expected a table, got integer 3",
                "tunnels: expected an array of tables, got a single table; write [[tunnels]] above each entry");
    }

    @Test
    void rangesAreInclusiveAndReported() {
        ConfigDocument doc = parse("""
                low = 0
                high = 70000
                edge = 65535
                huge = 99999999999999999999
                negative = -1
                """);
        ConfigTable root = doc.root();

        root.integer("low", 7000, 1, 65535);
        root.integer("high", 7000, 1, 65535);
        assertThat(root.integer("edge", 0, 1, 65535)).isEqualTo(65535);
        root.integer("huge", 0, 0, Integer.MAX_VALUE);
        root.integer("negative", 0, 0, Integer.MAX_VALUE);

        assertThat(lines(doc)).containsExactly(
                "low: 0 is out of range (expected: 1..65535)",
                "high: 70000 is out of range (expected: 1..65535)",
                "huge: 99999999999999999999 is out of range (expected: >= 0)",
                "negative: -1 is out of range (expected: >= 0)");
    }

    @Test
    void missingRequiredKeys() {
        ConfigDocument doc = parse("");

        assertThat(doc.root().requiredString("serverAddr")).isNull();
        assertThat(doc.root().requiredInteger("localPort", 1, 65535)).isZero();
        assertThat(doc.root().requiredSecret("token")).isNull();

        assertThat(lines(doc)).containsExactly(
                "serverAddr: required key is missing",
                "localPort: required key is missing",
                "token: required key is missing");
    }

    @Test
    void blankStringsAreRejected() {
        ConfigDocument doc = parse("a = \"\"\nb = \"  \"\nc = [\"x\", \"\"]\n");

        assertThat(doc.root().string("a", "default")).isEqualTo("default");
        doc.root().requiredString("b");
        assertThat(doc.root().strings("c")).containsExactly("x");

        assertThat(lines(doc)).containsExactly("a: must not be blank", "b: must not be blank", "c[1]: must not be blank");
    }

    @Test
    void secretsAreNeverRepeated() {
        ConfigDocument doc = parse("token = 1234567890\npassword = [\"hunter2\"]\n");

        doc.root().requiredSecret("token");
        doc.root().secret("password");

        assertThat(lines(doc)).containsExactly("token: expected a string, got an integer",
                "password: expected a string, got an array");
        assertThat(String.join("\n", lines(doc))).doesNotContain("1234567890").doesNotContain("hunter2");
    }

    @Test
    void arrayElementsAreReportedByIndex() {
        ConfigDocument doc = parse("""
                domains = ["a.example.com", 7, "b.example.com"]
                ranges = [{ single = 1 }, 5, { single = 2 }]
                """);

        assertThat(doc.root().strings("domains")).containsExactly("a.example.com", "b.example.com");
        List<ConfigTable> ranges = doc.root().tables("ranges");
        assertThat(ranges).extracting(ConfigTable::keyPath).containsExactly("ranges[0]", "ranges[2]");
        ranges.forEach(t -> t.integer("single", 0, 1, 65535));
        doc.root().problem("domains", 0, "custom problem");

        assertThat(lines(doc)).containsExactly(
                "domains[1]: expected a string, got integer 7",
                "ranges[1]: expected a table, got integer 5",
                "domains[0]: custom problem");
    }

    @Test
    void hasProblemsCoversTheKeyAndItsElements() {
        ConfigDocument doc = parse("a = \"x\"\nb = [1]\nab = 1\n");
        ConfigTable root = doc.root();
        root.integer("a", 0, 0, 1);
        root.strings("b");
        root.integer("ab", 0, 0, 1);

        assertThat(root.hasProblems("a")).isTrue();
        assertThat(root.hasProblems("b")).isTrue();
        assertThat(root.hasProblems("ab")).isFalse();
        assertThat(root.hasProblems("absent")).isFalse();
    }

    @Test
    void checkedStringsReportFailuresAtTheirOwnIndex() {
        ConfigDocument doc = parse("hosts = [1, \"ok\", \"BAD\", \"fine\"]\n");

        assertThat(doc.root().strings("hosts", s -> s.equals(s.toLowerCase()), "is not lower case"))
                .containsExactly("ok", "fine");
        assertThat(lines(doc)).containsExactly("hosts[0]: expected a string, got integer 1",
                "hosts[2]: 'BAD' is not lower case");
    }

    @Test
    void unknownKeysAreReportedWithASuggestion() {
        ConfigDocument doc = parse("""
                serverAddr = "x"
                serverPrt = 7000
                colour = "blue"

                [[tunnels]]
                name = "web"
                lcoalPort = 8080
                """);
        ConfigTable root = doc.root();
        root.string("serverAddr");
        root.integer("serverPort", 7000, 1, 65535);
        for (ConfigTable t : root.tables("tunnels")) {
            t.string("name");
            t.describedAs("tunnel 'web'");
            t.requiredInteger("localPort", 1, 65535);
            t.string("localIP");
        }

        assertThat(lines(doc)).containsExactly(
                "serverPrt: unknown key 'serverPrt' (did you mean 'serverPort'?)",
                "colour: unknown key 'colour'",
                "tunnels[0].localPort: required key is missing (tunnel 'web')",
                "tunnels[0].lcoalPort: unknown key 'lcoalPort' (did you mean 'localPort'?) (tunnel 'web')");
    }

    @Test
    void aTableNeverReadIsOneUnknownKeyOfItsParent() {
        ConfigDocument doc = parse("[tsl]\nfingerprint = \"x\"\n");
        doc.root().table("tls");

        assertThat(lines(doc)).containsExactly("tsl: unknown key 'tsl' (did you mean 'tls'?)");
    }

    @Test
    void nestedTablesHaveFullPathsAndInheritLabels() {
        ConfigDocument doc = parse("""
                [[tunnels]]
                name = "api"
                [tunnels.auth]
                user = 5
                """);
        ConfigTable tunnel = doc.root().tables("tunnels").get(0);
        tunnel.describedAs("tunnel 'api'");
        tunnel.string("name");
        ConfigTable auth = tunnel.table("auth");
        auth.string("user");

        assertThat(auth.keyPath()).isEqualTo("tunnels[0].auth");
        assertThat(lines(doc)).containsExactly("tunnels[0].auth.user: expected a string, got integer 5 (tunnel 'api')");
    }

    @Test
    void absentTableReadsAsEmpty() {
        ConfigDocument doc = parse("");
        ConfigTable tls = doc.root().table("tls");

        assertThat(doc.root().has("tls")).isFalse();
        assertThat(tls.keyPath()).isEqualTo("tls");
        assertThat(tls.bool("insecureSkipVerify", false)).isFalse();
        assertThat(doc.problems()).isEmpty();
    }

    @Test
    void openingATableTwiceReportsItsProblemsOnce() {
        ConfigDocument doc = parse("[tls]\nextra = 1\n");
        doc.root().table("tls");
        doc.root().table("tls");

        assertThat(lines(doc)).containsExactly("tls.extra: unknown key 'extra'");
    }

    @Test
    void quotedKeysAreQuotedInPaths() {
        ConfigDocument doc = parse("\"a.b\" = 1\n[\"my table\"]\nx = 1\n");

        assertThat(doc.root().keyPath("a.b")).isEqualTo("\"a.b\"");
        doc.root().table("my table").problem("x", "bad");
        assertThat(lines(doc)).contains("\"my table\".x: bad");
    }

    @Test
    void pathsResolveAgainstTheBaseDirectory() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");
        ConfigDocument doc = parse("""
                ca = "ca.pem"
                missing = "nope.pem"
                folder = "."
                absolute = "%s"
                """.formatted(ca.toString().replace("\\", "\\\\")));
        ConfigTable root = doc.root();

        assertThat(root.existingFile("ca")).isEqualTo(ca);
        assertThat(root.existingFile("absolute")).isEqualTo(ca);
        assertThat(root.existingFile("missing")).isEqualTo(dir.resolve("nope.pem"));
        assertThat(root.existingFile("folder")).isEqualTo(dir);
        assertThat(root.existingFile("absent")).isNull();
        assertThat(root.path("absent", "data")).isEqualTo(dir.resolve("data"));
        assertThat(root.path("absent", null)).isNull();

        assertThat(lines(doc)).containsExactly(
                "missing: file not found: " + dir.resolve("nope.pem"),
                "folder: is a directory, expected a file: " + dir);
    }

    @Test
    void problemsAreGroupedByTableInTheOrderTablesWereOpened() {
        ConfigDocument doc = parse("""
                a = "x"
                [t]
                b = 1
                """);
        ConfigTable root = doc.root();
        root.has("a");
        ConfigTable t = root.table("t");
        t.has("b");
        t.problem("b", "first");
        root.problem("a", "second");
        root.problem("whole file");
        t.problem("table");

        assertThat(lines(doc)).containsExactly("a: second", "whole file", "t.b: first", "t: table");
    }

    @Test
    void throwIfInvalidThrowsWithEveryProblem() {
        ConfigDocument doc = parse("x = 1\ny = 2\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, doc::throwIfInvalid);

        assertThat(e.getMessage()).isEqualTo("t.toml: x: unknown key 'x'\nt.toml: y: unknown key 'y'");
    }

    @Test
    void throwIfInvalidIsQuietWithoutProblems() {
        ConfigDocument doc = parse("x = 1\n");
        doc.root().integer("x", 0, 0, 1);

        assertThatCode(doc::throwIfInvalid).doesNotThrowAnyException();
    }

    private ConfigDocument parse(String toml) {
        return TomlConfigReader.parse(toml, "t.toml", dir);
    }

    private static List<String> lines(ConfigDocument doc) {
        return doc.problems().stream().map(ConfigProblem::toString).toList();
    }
}
