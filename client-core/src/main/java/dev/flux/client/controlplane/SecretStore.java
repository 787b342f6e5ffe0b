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
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The secrets of the user's secret tunnels (stcp, sudp, xtcp) served from a control plane: {@code secrets.toml} in
 * the configuration directory, next to the saved login, readable by its owner only (0600 in a 0700 directory). The
 * control plane never holds them: the agent serving a tunnel reads its secret here, by tunnel name.
 *
 * <pre>
 * db = "q3V..."
 * game = "Zt9..."
 * </pre>
 */
public final class SecretStore {

    /** The file's name inside the configuration directory. */
    public static final String FILE_NAME = "secrets.toml";
    /** The tunnel types that have a secret kept here: stcp, sudp and xtcp. */
    public static final List<String> TUNNEL_TYPES = List.of("stcp", "sudp", "xtcp");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    public SecretStore(Path dir) {
        this.dir = dir;
    }

    /** The store of this process's user, in {@link CredentialStore#defaultDirectory}. */
    public static SecretStore forCurrentUser() {
        return new SecretStore(CredentialStore.forCurrentUser().file().getParent());
    }

    public Path file() {
        return dir.resolve(FILE_NAME);
    }

    /** A new secret: 256 random bits, URL-safe base64 (43 characters). */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The secret saved for the tunnel {@code name}, or empty.
     *
     * @throws IllegalStateException naming the file when it exists but cannot be read
     */
    public Optional<String> find(String name) {
        return Optional.ofNullable(load().get(name));
    }

    /** Saves the secret of the tunnel {@code name}, replacing the one saved before; the file stays 0600. */
    public void save(String name, String secret) {
        Map<String, String> all = load();
        all.put(name, secret);
        StringBuilder toml = new StringBuilder("# written by fluxctl: the secrets of your secret tunnels, by tunnel "
                + "name; keep it private\n");
        all.forEach((tunnel, value) -> CredentialStore.line(toml, "\"" + tunnel + "\"", value));
        try {
            PrivateFiles.createDirectories(dir);
            PrivateFiles.write(file(), toml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file() + ": cannot save the secret of tunnel '" + name + "': "
                    + e.getMessage(), e);
        }
    }

    private Map<String, String> load() {
        Path file = file();
        Map<String, String> out = new TreeMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot read the tunnel secrets: " + e.getMessage());
        }
        JsonNode toml;
        try {
            toml = new TomlMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(file + ": not valid TOML (" + e.getMessage().lines().findFirst()
                    .orElse("") + "); fix or delete it, then save the secrets again with `fluxctl tunnel secret`");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = toml.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }
}
