package dev.flux.protocol.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A parsed configuration file being checked by a loader: the root {@link ConfigTable} and every problem the
 * loader has found so far.
 *
 * <p>A loader walks the tables, reading each value it knows (which records type, range and missing-key
 * problems instead of throwing), then calls {@link #throwIfInvalid()} once before building its result, so the
 * user sees every problem at once. Keys the loader never asked about are reported as unknown at that point.
 *
 * <p>Not thread-safe: one loader walks one document.
 */
public final class ConfigDocument {

    private static final Pattern ARRAY_INDEX = Pattern.compile("\\[[0-9]+]");

    private final String source;
    private final Path baseDir;
    private final ConfigTable root;
    // By key path, in the order the loader opened them, which is the order problems are reported in.
    private final Map<String, ConfigTable> tables = new LinkedHashMap<>();

    ConfigDocument(String source, Path baseDir, ObjectNode root) {
        this.source = source;
        this.baseDir = baseDir;
        this.root = open("", root, null);
    }

    /** How problems name the file, usually the path the user passed. */
    public String source() {
        return source;
    }

    /** The absolute directory relative paths in the file resolve against. */
    public Path baseDir() {
        return baseDir;
    }

    /** The top-level table. */
    public ConfigTable root() {
        return root;
    }

    /**
     * Every problem found so far, including keys no loader asked about, grouped by table in the order the
     * tables were opened.
     */
    public List<ConfigProblem> problems() {
        List<ConfigProblem> all = new ArrayList<>();
        for (ConfigTable table : tables.values()) {
            table.collectProblems(all);
        }
        return all;
    }

    /**
     * Call once the loader has read every key it knows.
     *
     * @throws ConfigException listing every problem, if there is any
     */
    public void throwIfInvalid() {
        List<ConfigProblem> all = problems();
        if (!all.isEmpty()) {
            throw new ConfigException(source, all);
        }
    }

    /**
     * The full path of every key the loader asked about so far, present or not, with array indices left out
     * ({@code tunnels[].localPort}): what a file may contain, for a reference that must name every key.
     */
    public Set<String> keysRead() {
        Set<String> keys = new TreeSet<>();
        for (ConfigTable table : tables.values()) {
            table.knownKeys().forEach(k -> keys.add(ARRAY_INDEX.matcher(table.keyPath(k)).replaceAll("[]")));
        }
        return keys;
    }

    /** The view of a table at a key path; opening the same path twice gives the same view. */
    ConfigTable open(String path, ObjectNode node, String inheritedLabel) {
        return tables.computeIfAbsent(path, p -> new ConfigTable(this, p, node, inheritedLabel));
    }
}
