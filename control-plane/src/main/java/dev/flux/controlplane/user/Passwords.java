package dev.flux.controlplane.user;

import dev.flux.controlplane.api.ApiException;
import java.security.SecureRandom;

/** Generated one-time passwords and the rule a chosen password must meet. */
public final class Passwords {

    /** The shortest password a user may choose. */
    public static final int MIN_LENGTH = 12;

    // no look-alikes (0/O, 1/l/I), so that a password read off a log can be typed
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    /** A random 20-character password (about 116 bits). */
    public static String generate() {
        StringBuilder password = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Refuses a password a user chose that is too short (a 422 that says so). */
    public static void checkChosen(String password) {
        if (password.length() < MIN_LENGTH) {
            throw ApiException.unprocessable("weak_password",
                    "the password has " + password.length() + " characters; it needs at least " + MIN_LENGTH);
        }
    }
}
