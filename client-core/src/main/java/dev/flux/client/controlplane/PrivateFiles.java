package dev.flux.client.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only their owner reads (the saved login, tunnel secrets), written as TOML. */
final class PrivateFiles {

    private PrivateFiles() {
    }

    /**
     * Writes {@code dir/name}, replacing it atomically; the directory is made 0700 and the file 0600 (where the file
     * system has POSIX permissions) before the content is in it.
     *
     * @param failure what failed, for the message of the {@link UncheckedIOException}
     */
    static void write(Path dir, String name, String content, String failure) {
        Path file = dir.resolve(name);
        try {
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
            Path tmp = dir.resolve(name + ".tmp");
            Files.deleteIfExists(tmp);
            if (posix) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + failure + ": " + e.getMessage(), e);
        }
    }

    /** Appends {@code key = "value"} with the value escaped as a TOML basic string; nothing for a null value. */
    static void tomlLine(StringBuilder toml, String key, String value) {
        if (value == null) {
            return;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        toml.append(key).append(" = ").append(quoted).append("\"\n");
    }
}
