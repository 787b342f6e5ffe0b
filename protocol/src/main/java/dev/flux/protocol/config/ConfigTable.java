package dev.flux.protocol.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One TOML table of a {@link ConfigDocument}, read by key.
 *
 * <p>The readers never throw for bad input: a missing required key, a value of the wrong type or out of range
 * is recorded as a {@link ConfigProblem} naming the key's full path (such as {@code tunnels[1].localPort}) and
 * the reader returns the default (or null, 0, an empty list) so the loader can carry on and find the next
 * problem. Every key a reader is asked about becomes a known key of this table; the others are reported by
 * {@link ConfigDocument#throwIfInvalid()} as unknown, with the closest known key as a suggestion.
 *
 * <p>String values are never blank: a blank string is reported, since leaving the key out is how a default is
 * chosen. Values read as secrets are never repeated in problem messages.
 */
public final class ConfigTable {

    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final int MAX_VALUE_TEXT = 60;

    private final ConfigDocument document;
    private final String path;
    private final ObjectNode node;
    private final String inheritedLabel;
    private final Set<String> knownKeys = new LinkedHashSet<>();
    private final List<ConfigProblem> problems = new ArrayList<>();
    private String label;

    ConfigTable(ConfigDocument document, String path, ObjectNode node, String inheritedLabel) {
        this.document = document;
        this.path = path;
        this.node = node;
        this.inheritedLabel = inheritedLabel;
    }

    /** This table's key path: empty for the top level, else such as {@code tls} or {@code tunnels[0]}. */
    public String keyPath() {
        return path;
    }

    /** The full path of a key of this table, such as {@code tunnels[0].localPort}. */
    public String keyPath(String key) {
        // Quoted keys may hold dots or spaces; quoting them keeps the path unambiguous.
        String k = BARE_KEY.matcher(key).matches() ? key : '"' + key + '"';
        return path.isEmpty() ? k : path + '.' + k;
    }

    /**
     * Names what this table describes, such as {@code tunnel 'web'}; every problem in it and in the tables
     * below it then ends with that name in parentheses, so a user finds the entry without counting.
     */
    public ConfigTable describedAs(String label) {
        this.label = requireNonNull(label, "label");
        return this;
    }

    /** Whether the key is present, whatever its type. */
    public boolean has(String key) {
        return value(key) != null;
    }

    /** A string value, or null when the key is absent or its value unusable. */
    public String string(String key) {
        return readString(key, null, false, false);
    }

    /** A string value, or {@code defaultValue} when the key is absent or its value unusable. */
    public String string(String key, String defaultValue) {
        return readString(key, defaultValue, false, false);
    }

    /** A string value that must be present; null (and a problem) otherwise. */
    public String requiredString(String key) {
        return readString(key, null, false, true);
    }

    /** Like {@link #string(String)} for a password or token: problems never repeat the value. */
    public String secret(String key) {
        return readString(key, null, true, false);
    }

    /** Like {@link #requiredString(String)} for a password or token: problems never repeat the value. */
    public String requiredSecret(String key) {
        return readString(key, null, true, true);
    }

    /** An integer in {@code min..max}, or {@code defaultValue} when the key is absent or its value unusable. */
    public int integer(String key, int defaultValue, int min, int max) {
        return readInt(key, defaultValue, min, max, false);
    }

    /** An integer in {@code min..max} that must be present; 0 (and a problem) otherwise. */
    public int requiredInteger(String key, int min, int max) {
        return readInt(key, 0, min, max, true);
    }

    /** A boolean, or {@code defaultValue} when the key is absent or its value unusable. */
    public boolean bool(String key, boolean defaultValue) {
        JsonNode v = value(key);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            wrongType(key, "a boolean (true or false)", v, false);
            return defaultValue;
        }
        return v.booleanValue();
    }

    /** An array of strings; empty when absent. Unusable elements are reported by index and left out. */
    public List<String> strings(String key) {
        return strings(key, e -> true, "");
    }

    /**
     * An array of strings each of which must pass {@code check}; empty when absent. Unusable elements, and
     * those failing the check, are reported by index and left out.
     *
     * @param failure the rest of the problem message after the quoted element, such as
     *                {@code "is not a valid DNS name"}
     */
    public List<String> strings(String key, Predicate<String> check, String failure) {
        JsonNode v = value(key);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            wrongType(key, "an array of strings", v, false);
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) {
                problem(key, i, "expected a string, got " + describe(e, false));
            } else if (e.textValue().isBlank()) {
                problem(key, i, "must not be blank");
            } else if (!check.test(e.textValue())) {
                problem(key, i, "'" + e.textValue() + "' " + failure);
            } else {
                result.add(e.textValue());
            }
        }
        return List.copyOf(result);
    }

    /**
     * A file system path, resolved against the directory of the configuration file; {@code defaultValue}
     * (resolved the same way) when the key is absent, null when that is null too. The path need not exist.
     */
    public Path path(String key, String defaultValue) {
        String s = readString(key, null, false, false);
        if (s != null) {
            try {
                return document.baseDir().resolve(s).normalize();
            } catch (InvalidPathException e) {
                problem(key, "'" + s + "' is not a valid path: " + e.getReason());
                return null;
            }
        }
        return has(key) || defaultValue == null ? null : document.baseDir().resolve(defaultValue).normalize();
    }

    /** Like {@link #path(String, String)} with no default, for a file that must exist and be readable. */
    public Path existingFile(String key) {
        Path p = path(key, null);
        if (p == null) {
            return null;
        }
        if (Files.isDirectory(p)) {
            problem(key, "is a directory, expected a file: " + p);
        } else if (!Files.exists(p)) {
            problem(key, "file not found: " + p);
        } else if (!Files.isReadable(p)) {
            problem(key, "file cannot be read (permission denied): " + p);
        }
        return p;
    }

    /**
     * A sub-table ({@code [tls]} or {@code tls = { ... }}). When the key is absent or not a table, an empty
     * table, so defaults are read the same way either way; use {@link #has(String)} to tell.
     */
    public ConfigTable table(String key) {
        JsonNode v = value(key);
        if (v != null && !v.isObject()) {
            wrongType(key, "a table", v, false);
        }
        ObjectNode obj = v instanceof ObjectNode o ? o : node.objectNode();
        return document.open(keyPath(key), obj, effectiveLabel());
    }

    /**
     * An array of tables ({@code [[tunnels]]} or {@code key = [{ ... }, { ... }]}); empty when absent.
     * Elements that are not tables are reported by index and left out; each returned table knows its own
     * index in {@link #keyPath()}.
     */
    public List<ConfigTable> tables(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return List.of();
        }
        if (v.isObject()) {
            // [tunnels] where [[tunnels]] was meant: the brackets are easy to miss.
            problem(key, "expected an array of tables, got a single table; write [[" + key + "]] above each entry");
            return List.of();
        }
        if (!v.isArray()) {
            wrongType(key, "an array of tables", v, false);
            return List.of();
        }
        List<ConfigTable> result = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i) instanceof ObjectNode obj) {
                result.add(document.open(keyPath(key) + '[' + i + ']', obj, effectiveLabel()));
            } else {
                problem(key, i, "expected a table, got " + describe(v.get(i), false));
            }
        }
        return List.copyOf(result);
    }

    /**
     * Whether a problem has been recorded for the key or one of its elements, so that a loader can skip a
     * check that would only repeat it.
     */
    public boolean hasProblems(String key) {
        String keyPath = keyPath(key);
        return problems.stream().anyMatch(p -> p.path().equals(keyPath) || p.path().startsWith(keyPath + '['));
    }

    /** Records a problem with this table as a whole. */
    public void problem(String message) {
        problems.add(new ConfigProblem(path, message));
    }

    /** Records a problem with a key of this table. */
    public void problem(String key, String message) {
        problems.add(new ConfigProblem(keyPath(key), message));
    }

    /** Records a problem with one element of an array, such as {@code customDomains[1]}. */
    public void problem(String key, int index, String message) {
        problems.add(new ConfigProblem(keyPath(key) + '[' + index + ']', message));
    }

    /** The keys of this table a loader asked about. */
    Set<String> knownKeys() {
        return knownKeys;
    }

    /** Adds this table's problems, then its unknown keys, to {@code out}. */
    void collectProblems(List<ConfigProblem> out) {
        String suffix = effectiveLabel() == null ? "" : " (" + effectiveLabel() + ")";
        for (ConfigProblem p : problems) {
            out.add(new ConfigProblem(p.path(), p.message() + suffix));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!knownKeys.contains(key)) {
                String closest = KeySuggestion.closest(key, knownKeys);
                String hint = closest == null ? "" : " (did you mean '" + closest + "'?)";
                out.add(new ConfigProblem(keyPath(key), "unknown key '" + key + "'" + hint + suffix));
            }
        }
    }

    private String effectiveLabel() {
        return label != null ? label : inheritedLabel;
    }

    private JsonNode value(String key) {
        knownKeys.add(requireNonNull(key, "key"));
        return node.get(key);
    }

    private String readString(String key, String defaultValue, boolean secret, boolean required) {
        JsonNode v = value(key);
        if (v == null) {
            if (required) {
                problem(key, "required key is missing");
            }
            return defaultValue;
        }
        if (!v.isTextual()) {
            wrongType(key, "a string", v, secret);
            return defaultValue;
        }
        if (v.textValue().isBlank()) {
            problem(key, "must not be blank");
            return defaultValue;
        }
        return v.textValue();
    }

    private int readInt(String key, int defaultValue, int min, int max, boolean required) {
        JsonNode v = value(key);
        if (v == null) {
            if (required) {
                problem(key, "required key is missing");
            }
            return defaultValue;
        }
        if (!v.isIntegralNumber()) {
            wrongType(key, "an integer", v, false);
            return defaultValue;
        }
        if (!v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            String expected = max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max;
            problem(key, v.asText() + " is out of range (expected: " + expected + ")");
            return defaultValue;
        }
        return v.intValue();
    }

    private void wrongType(String key, String expected, JsonNode actual, boolean secret) {
        problem(key, "expected " + expected + ", got " + describe(actual, secret));
    }

    /** A value's TOML type and, unless it is secret or a container, the value itself. */
    private static String describe(JsonNode v, boolean secret) {
        String type;
        if (v.isTextual()) {
            type = "string";
        } else if (v.isIntegralNumber()) {
            type = "integer";
        } else if (v.isNumber()) {
            type = "float";
        } else if (v.isBoolean()) {
            type = "boolean";
        } else if (v.isArray()) {
            return "an array";
        } else if (v.isObject()) {
            return "a table";
        } else {
            return "a value of another type";
        }
        if (secret) {
            return (type.equals("integer") ? "an " : "a ") + type;
        }
        String text = v.isTextual() ? '"' + v.textValue() + '"' : v.asText();
        return type + " " + (text.length() <= MAX_VALUE_TEXT ? text : text.substring(0, MAX_VALUE_TEXT) + "...");
    }
}
