package dev.flux.e2e.framework;

import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration text with {@code {{ name }}} placeholders, as frp's e2e tests write theirs: the file a test
 * starts a process with reads like the file a user would write.
 */
public final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z][A-Za-z0-9_]*)\\s*}}");

    private Template() {
    }

    /**
     * Replaces every placeholder by its value's {@code toString()}.
     *
     * @throws IllegalArgumentException naming every placeholder that has no value
     */
    public static String render(String template, Map<String, ?> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        TreeSet<String> missing = new TreeSet<>();
        while (m.find()) {
            Object value = values.get(m.group(1));
            if (value == null) {
                missing.add(m.group(1));
                m.appendReplacement(out, "");
            } else {
                m.appendReplacement(out, Matcher.quoteReplacement(value.toString()));
            }
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no value for placeholder(s) " + missing + " (values given: "
                    + new TreeSet<>(values.keySet()) + ") in template:\n" + template);
        }
        return out.toString();
    }
}
