package dev.flux.desktop;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The app's words in one language: {@code messages.properties} (English) and {@code messages_zh_CN.properties}
 * (Simplified Chinese). Immutable; switching the language makes a new one and rebuilds the screens.
 */
public final class Messages {

    public static final String BUNDLE = "dev.flux.desktop.messages";
    /** The languages the app ships, in the order the settings offer them. */
    public static final List<Locale> LANGUAGES = List.of(Locale.ENGLISH, Locale.SIMPLIFIED_CHINESE);

    private final Locale locale;
    private final ResourceBundle bundle;

    public Messages(Locale locale) {
        this.locale = supported(locale);
        // The root bundle is English; without this the JVM's default locale would be tried before it.
        this.bundle = ResourceBundle.getBundle(BUNDLE, this.locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** The shipped language closest to {@code wanted}: Chinese for any {@code zh}, else English. */
    public static Locale supported(Locale wanted) {
        return wanted != null && "zh".equals(wanted.getLanguage()) ? Locale.SIMPLIFIED_CHINESE : Locale.ENGLISH;
    }

    public Locale locale() {
        return locale;
    }

    public ResourceBundle bundle() {
        return bundle;
    }

    /** The text for {@code key} with {@code args} in its {@code {0}} places; the key itself when it is missing. */
    public String get(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
    }
}
