package dev.flux.protocol.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration reference in docs/configuration.md, as the tests that keep it true read it: a {@code ## FILE}
 * section per file whose tables headed {@code | key |} name keys by full path in backticks in their first cell ({@code `bindPort`},
 * {@code `tokens[].name`}, {@code `tls.certFile`, `tls.keyFile`}).
 */
public final class ConfigReference {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private ConfigReference() {
    }

    /** docs/configuration.md, found from the module directory the tests run in. */
    public static Path configurationDoc() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs").resolve("configuration.md");
            if (Files.isRegularFile(doc)) {
                return doc;
            }
        }
        throw new IllegalStateException("no docs/configuration.md above " + Path.of("").toAbsolutePath());
    }

    /**
     * What the section {@code ## file} gets wrong: each key the loader reads that no row names, and each key a row
     * names that the loader does not read.
     */
    public static List<String> mismatches(Set<String> keysRead, Path doc, String file) {
        Set<String> documented = documented(doc, file);
        // A table ([tls], [[tokens]]) is documented by its keys.
        Set<String> keys = new TreeSet<>(keysRead);
        keys.removeIf(k -> keysRead.stream().anyMatch(o -> o.startsWith(k + ".") || o.startsWith(k + "[].")));
        List<String> problems = new ArrayList<>();
        for (String key : keys) {
            if (!documented.contains(key)) {
                problems.add("`" + key + "` is read from " + file + " but not documented in the '## " + file
                        + "' section of " + doc.getFileName());
            }
        }
        for (String key : documented) {
            if (!keys.contains(key)) {
                problems.add("`" + key + "` is documented under '## " + file + "' but the loader does not read it");
            }
        }
        return problems;
    }

    /** The keys named in the first cell of the table rows of section {@code ## file}. */
    static Set<String> documented(Path doc, String file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> keys = new TreeSet<>();
        boolean inSection = false;
        boolean keyTable = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## " + file);
            }
            if (!line.startsWith("|")) {
                keyTable = false;
            } else if (line.startsWith("| key |")) {
                keyTable = true;
            } else if (inSection && keyTable && !line.startsWith("|---")) {
                String first = line.substring(1, line.indexOf('|', 1) < 0 ? line.length() : line.indexOf('|', 1));
                Matcher m = CODE.matcher(first);
                while (m.find()) {
                    keys.add(m.group(1));
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(doc + " has no '## " + file + "' section with a table of keys");
        }
        return keys;
    }
}
