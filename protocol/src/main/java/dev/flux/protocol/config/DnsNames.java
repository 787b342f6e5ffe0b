package dev.flux.protocol.config;

import java.util.regex.Pattern;

/** The syntax of DNS names as configuration accepts them: host names of letters, digits and hyphens. */
public final class DnsNames {

    // RFC 1123: 1..63 characters, no hyphen at either end.
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern LOWER_CASE_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_NAME_LENGTH = 253;

    private DnsNames() {
    }

    /**
     * Whether {@code name} is a host name such as {@code tunnel.example.com}: dot-separated labels, at most 253
     * characters, no trailing dot, no wildcard.
     */
    public static boolean isHostName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        // -1 keeps empty labels, so "a..b" and "a." are rejected.
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code label} is a single lower-case label such as {@code web}, as a subdomain is written:
     * {@code [a-z0-9-]}, 1..63 characters, no hyphen at either end.
     */
    public static boolean isLowerCaseLabel(String label) {
        return label != null && LOWER_CASE_LABEL.matcher(label).matches();
    }
}
