package dev.flux.protocol.config;

import java.util.Collection;
import java.util.Locale;

/** Finds the known key a misspelt one was most likely meant to be. */
final class KeySuggestion {

    private KeySuggestion() {
    }

    /**
     * The known key closest to {@code unknown}, or null when none is close enough to be a plausible typo.
     * Case is ignored, so {@code vhostHttpPort} finds {@code vhostHTTPPort}.
     */
    static String closest(String unknown, Collection<String> known) {
        String target = unknown.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(target, candidate.toLowerCase(Locale.ROOT));
            // A third of the length: catches a slip or two in a long key without pairing unrelated short keys.
            if (d <= Math.max(1, candidate.length() / 3) && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /**
     * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one edit
     * (optimal string alignment), since swapped letters are the most common typo in a key.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
