package dev.flux.controlplane.device;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/** User codes: 8 letters a person can read off one screen and type into another without confusing any of them. */
public final class DeviceCodes {

    /** Consonants only: no vowels (no words), no look-alikes of digits or each other (I, O, U, Y are out). */
    static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    static final int LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceCodes() {
    }

    /** A new random user code without the dash (20^8, about 34 bits; it lives 10 minutes and is tried slowly). */
    static String generate() {
        StringBuilder code = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** {@code ABCDEFGH} as {@code ABCD-EFGH}. */
    static String display(String code) {
        return code.substring(0, 4) + "-" + code.substring(4);
    }

    /**
     * What a person typed as a user code, without dashes, spaces and case; empty when it cannot be a user code.
     */
    public static Optional<String> normalize(String typed) {
        String code = typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        if (code.length() != LENGTH) {
            return Optional.empty();
        }
        for (char c : code.toCharArray()) {
            if (ALPHABET.indexOf(c) < 0) {
                return Optional.empty();
            }
        }
        return Optional.of(code);
    }
}
