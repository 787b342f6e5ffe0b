package dev.flux.protocol.config;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a configuration file.
 *
 * @param path where in the file: a key path such as {@code tunnels[1].localPort}, or the empty string when the
 *             problem concerns the whole file (a syntax error, an unreadable file)
 * @param message what is wrong, for a person to read; it never repeats a secret value
 */
public record ConfigProblem(String path, String message) {

    public ConfigProblem {
        requireNonNull(path, "path");
        requireNonNull(message, "message");
    }

    /** {@code path: message}, or just the message when the problem concerns the whole file. */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
