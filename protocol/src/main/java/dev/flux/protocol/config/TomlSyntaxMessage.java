package dev.flux.protocol.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the TOML parser's complaint into a message for the person who wrote the file: where (line, column and
 * the line's text) and what, in the file's own terms rather than the parser's token names.
 */
final class TomlSyntaxMessage {

    private static final int MAX_SNIPPET = 60;

    // The parser's token names, as the text they stand for.
    private static final Map<String, String> TOKENS = Map.ofEntries(
            Map.entry("UNQUOTED_KEY", "a key"),
            Map.entry("DOT_SEP", "'.'"),
            Map.entry("STRING", "a string"),
            Map.entry("TRUE", "a boolean"),
            Map.entry("FALSE", "a boolean"),
            Map.entry("OFFSET_DATE_TIME", "a date-time"),
            Map.entry("LOCAL_DATE_TIME", "a date-time"),
            Map.entry("LOCAL_DATE", "a date"),
            Map.entry("LOCAL_TIME", "a time"),
            Map.entry("FLOAT", "a float"),
            Map.entry("INTEGER", "an integer"),
            Map.entry("STD_TABLE_OPEN", "'['"),
            Map.entry("STD_TABLE_CLOSE", "']'"),
            Map.entry("INLINE_TABLE_OPEN", "'{'"),
            Map.entry("INLINE_TABLE_CLOSE", "'}'"),
            Map.entry("ARRAY_TABLE_OPEN", "'[['"),
            Map.entry("ARRAY_TABLE_CLOSE", "']]'"),
            Map.entry("ARRAY_OPEN", "'['"),
            Map.entry("ARRAY_CLOSE", "']'"),
            Map.entry("KEY_VAL_SEP", "'='"),
            Map.entry("COMMA", "','"),
            Map.entry("ARRAY_WS_COMMENT_NEWLINE", "a line break"));
    private static final Pattern TOKEN_NAME = Pattern.compile("\\b[A-Z][A-Z_]+\\b");
    private static final Pattern GOT_PUNCTUATION = Pattern.compile("Got ([A-Z_]+)");
    // "Path into existing non-array value of type NUMBER": a tree node type, not a token.
    private static final Pattern NODE_TYPE = Pattern.compile("of type ([A-Z]+)");

    private TomlSyntaxMessage() {
    }

    /** {@code invalid TOML at line 2, column 5 ('b ='): newline not permitted here}. */
    static String of(String text, JacksonException e) {
        String raw = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().strip();
        String what = raw.isEmpty() ? "cannot parse" : humanize(raw);
        JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 1) {
            return "invalid TOML: " + what;
        }
        List<String> lines = text.lines().toList();
        int line = location.getLineNr();
        int column = location.getColumnNr();
        if (line > 1 && !lines.isEmpty() && reportedPastTheMistake(raw, lines, line, column)) {
            // The last line with content before the reported position is the one to fix.
            int previous = Math.min(line - 1, lines.size());
            while (previous > 1 && isBlankOrComment(lines.get(previous - 1))) {
                previous--;
            }
            line = previous;
            column = lines.get(previous - 1).stripTrailing().length() + 1;
        }
        StringBuilder message = new StringBuilder("invalid TOML at line ").append(line);
        if (column > 0) {
            message.append(", column ").append(column);
        }
        String snippet = line <= lines.size() ? shorten(lines.get(line - 1).strip()) : "";
        if (!snippet.isEmpty()) {
            message.append(" ('").append(snippet).append("')");
        }
        return message.append(": ").append(what).toString();
    }

    /**
     * Whether the parser noticed the mistake only after moving past the line it is on: at the end of the file
     * (an unclosed array or string), after the value of a duplicate key, or after the line break that follows
     * a table header. The position is then at the start of a later line.
     */
    private static boolean reportedPastTheMistake(String raw, List<String> lines, int line, int column) {
        if (line > lines.size()) {
            return true;
        }
        String current = lines.get(line - 1);
        int at = Math.max(0, Math.min(column - 1, current.length()));
        if (!current.substring(0, at).isBlank()) {
            return false;
        }
        if (raw.startsWith("Duplicate key")) {
            return true;
        }
        Matcher got = GOT_PUNCTUATION.matcher(raw);
        if (got.find() && TOKENS.getOrDefault(got.group(1), "").startsWith("'")) {
            // Punctuation the parser says it found, but which is not where it points.
            String literal = TOKENS.get(got.group(1));
            return !current.startsWith(literal.substring(1, literal.length() - 1), at);
        }
        return false;
    }

    private static String humanize(String raw) {
        Matcher type = NODE_TYPE.matcher(raw);
        String typed = type.find() ? raw.substring(0, type.start()) + "of type "
                + (type.group(1).equals("OBJECT") ? "table" : type.group(1).toLowerCase(Locale.ROOT))
                + raw.substring(type.end()) : raw;
        Matcher m = TOKEN_NAME.matcher(typed);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(TOKENS.getOrDefault(m.group(), m.group())));
        }
        m.appendTail(sb);
        String s = sb.toString().replace("Got ", "got ");
        // Lower-case the first word to read as the rest of our messages, but keep acronyms such as "EOF".
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
            s = s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
        }
        return s;
    }

    private static boolean isBlankOrComment(String line) {
        String s = line.strip();
        return s.isEmpty() || s.startsWith("#");
    }

    private static String shorten(String s) {
        return s.length() <= MAX_SNIPPET ? s : s.substring(0, MAX_SNIPPET) + "...";
    }
}
