package dev.flux.client.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.flux.protocol.files.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The saved login: {@code credentials.toml} in the configuration directory, readable by its owner only (file 0600,
 * directory 0700 where the file system has POSIX permissions).
 *
 * <pre>
 * server = "http://127.0.0.1:8443"
 * token = "flx_..."
 * username = "alice"
 * tokenName = "fluxctl on laptop"
 * </pre>
 */
public final class CredentialStore {

    /** The file's name inside the configuration directory. */
    public static final String FILE_NAME = "credentials.toml";

    private final Path dir;

    public CredentialStore(Path dir) {
        this.dir = dir;
    }

    /**
     * The configuration directory: {@code $FLUX_CONFIG_DIR}, else {@code %APPDATA%\flux} on Windows, else
     * {@code $XDG_CONFIG_HOME/flux}, else {@code ~/.config/flux}.
     */
    public static Path defaultDirectory(Map<String, String> env, String osName, Path home) {
        String explicit = env.get("FLUX_CONFIG_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String appData = env.get("APPDATA");
        if (osName.toLowerCase().startsWith("windows") && appData != null && !appData.isBlank()) {
            return Path.of(appData, "flux");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "flux");
        }
        return home.resolve(".config").resolve("flux");
    }

    /** The store of this process's user: {@link #defaultDirectory} with the real environment. */
    public static CredentialStore forCurrentUser() {
        return new CredentialStore(defaultDirectory(System.getenv(), System.getProperty("os.name"),
                Path.of(System.getProperty("user.home"))));
    }

    public Path file() {
        return dir.resolve(FILE_NAME);
    }

    /**
     * The saved login, or empty when there is none.
     *
     * @throws IllegalStateException naming the file when it exists but cannot be read or lacks a key
     */
    public Optional<Credentials> load() {
        Path file = file();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot read the saved login: " + e.getMessage());
        }
        JsonNode toml;
        try {
            toml = new TomlMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(file + ": not valid TOML; run `fluxctl login` again ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        String server = toml.path("server").asText(null);
        String token = toml.path("token").asText(null);
        if (server == null || token == null) {
            throw new IllegalStateException(file + ": '" + (server == null ? "server" : "token")
                    + "' is missing; run `fluxctl login` again");
        }
        return Optional.of(new Credentials(server, token, toml.path("username").asText(null),
                toml.path("tokenName").asText(null)));
    }

    /** Saves the login, replacing the old one atomically; the file is created 0600 before the token is in it. */
    public void save(Credentials credentials) {
        StringBuilder toml = new StringBuilder("# written by fluxctl login; holds an API token: keep it private\n");
        line(toml, "server", credentials.server());
        line(toml, "token", credentials.token());
        line(toml, "username", credentials.username());
        line(toml, "tokenName", credentials.tokenName());
        try {
            PrivateFiles.createDirectories(dir);
            PrivateFiles.write(file(), toml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file() + ": cannot save the login: " + e.getMessage(), e);
        }
    }

    /** Deletes the saved login; false when there was none. */
    public boolean delete() {
        try {
            return Files.deleteIfExists(file());
        } catch (IOException e) {
            throw new UncheckedIOException(file() + ": cannot delete the saved login: " + e.getMessage(), e);
        }
    }

    /** Appends {@code key = "value"}, the value a TOML basic string; nothing for a null value. */
    static void line(StringBuilder toml, String key, String value) {
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
