package dev.flux.desktop.settings;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/** {@code desktop.properties} beside fluxctl's {@code credentials.toml} in the configuration directory. */
public final class SettingsStore {

    public static final String FILE_NAME = "desktop.properties";

    private final Path file;

    public SettingsStore(Path configDir) {
        this.file = configDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** The saved settings; the defaults for what is missing or unreadable (a damaged file is rewritten on save). */
    public DesktopSettings load() {
        DesktopSettings defaults = DesktopSettings.defaults(Locale.getDefault());
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return defaults;
        } catch (IOException | IllegalArgumentException e) {
            return defaults;
        }
        String theme = DesktopSettings.DARK.equals(p.getProperty("theme")) ? DesktopSettings.DARK
                : DesktopSettings.LIGHT;
        String language = p.getProperty("language");
        Locale locale = language == null ? defaults.language()
                : dev.flux.desktop.Messages.supported(Locale.forLanguageTag(language));
        return new DesktopSettings(theme, locale, Boolean.parseBoolean(p.getProperty("startAtSignIn")));
    }

    public void save(DesktopSettings settings) {
        Properties p = new Properties();
        p.setProperty("theme", settings.theme());
        p.setProperty("language", settings.language().toLanguageTag());
        p.setProperty("startAtSignIn", Boolean.toString(settings.startAtSignIn()));
        try {
            Files.createDirectories(file.getParent());
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(out, "FLUX desktop app settings");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot save the settings: " + e.getMessage(), e);
        }
    }
}
