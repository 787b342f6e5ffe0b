package dev.flux.protocol.net;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bandwidth limit as users write it: a whole number of bytes per second with an optional unit, {@code "512KB"},
 * {@code "1MB"}, {@code "2 GB"}, {@code "800000"}. Units are binary (KB = 1024 bytes), as in frp.
 */
public final class Bandwidth {

    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,12})\\s*(B|KB|MB|GB|KIB|MIB|GIB)?");

    private Bandwidth() {
    }

    /**
     * Bytes per second of a limit such as {@code "1MB"}; {@code "0"} means unlimited.
     *
     * @throws IllegalArgumentException naming the value and the accepted form
     */
    public static long parse(String value) {
        Matcher m = FORMAT.matcher(value == null ? "" : value.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a bandwidth (expected: a whole number of "
                    + "bytes per second with an optional unit B, KB, MB or GB, such as 512KB or 2MB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        int shift = switch (unit) {
            case "KB", "KIB" -> 10;
            case "MB", "MIB" -> 20;
            case "GB", "GIB" -> 30;
            default -> 0;
        };
        return n << shift;
    }

    /** A limit in the largest unit that shows it exactly, e.g. {@code 2MB}; {@code 0} for none. */
    public static String format(long bytesPerSecond) {
        String[] units = {"B", "KB", "MB", "GB"};
        long n = bytesPerSecond;
        int u = 0;
        while (u < units.length - 1 && n >= 1024 && n % 1024 == 0) {
            n /= 1024;
            u++;
        }
        return bytesPerSecond == 0 ? "0" : n + units[u];
    }
}
