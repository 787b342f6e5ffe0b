package dev.flux.protocol.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a TOML configuration file into a {@link ConfigDocument} for a loader to walk.
 *
 * <p>Every failure is a {@link ConfigException} whose message a person can act on: a missing or unreadable file
 * says so with the absolute path, and a syntax error gives the line, the column, the offending line's text and
 * what the parser objected to — never a stack trace or a parser class name.
 */
public final class TomlConfigReader {

    // Dates stay strings: turning them into java.time values makes a bad date escape the parser as an
    // exception without a location, and no FLUX setting is a date.
    private static final TomlMapper MAPPER = new TomlMapper();

    private TomlConfigReader() {
    }

    /**
     * Reads and parses a file; relative paths in it resolve against the file's directory.
     *
     * @throws ConfigException if the file cannot be read or is not valid TOML
     */
    public static ConfigDocument read(Path file) {
        requireNonNull(file, "file");
        String source = file.toString();
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw fileProblem(source, "is a directory, not a configuration file (" + absolute + ")");
        }
        String text;
        try {
            text = Files.readString(absolute);
        } catch (NoSuchFileException e) {
            throw fileProblem(source, "file not found (looked for " + absolute + ")");
        } catch (AccessDeniedException e) {
            throw fileProblem(source, "permission denied reading " + absolute);
        } catch (CharacterCodingException e) {
            throw fileProblem(source, "not valid UTF-8 text; TOML files must be UTF-8");
        } catch (IOException e) {
            throw fileProblem(source, "cannot read " + absolute + ": " + e.getMessage());
        }
        return parse(text, source, absolute.getParent());
    }

    /**
     * Parses TOML text.
     *
     * @param sourceName how problems name the text, usually a file name
     * @param baseDir what relative paths in the text resolve against
     * @throws ConfigException if the text is not valid TOML
     */
    public static ConfigDocument parse(String toml, String sourceName, Path baseDir) {
        requireNonNull(toml, "toml");
        requireNonNull(sourceName, "sourceName");
        requireNonNull(baseDir, "baseDir");
        // Editors on Windows like to start UTF-8 files with a byte order mark, which the TOML parser rejects.
        String text = toml.startsWith("\uFEFF") ? toml.substring(1) : toml;
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw fileProblem(sourceName, TomlSyntaxMessage.of(text, e));
        }
        // An empty file is an empty table, not an error: the loader then reports each missing required key.
        ObjectNode root = tree instanceof ObjectNode o ? o : MAPPER.createObjectNode();
        return new ConfigDocument(sourceName, baseDir.toAbsolutePath().normalize(), root);
    }

    private static ConfigException fileProblem(String source, String message) {
        return new ConfigException(source, List.of(new ConfigProblem("", message)));
    }
}
