package dev.flux.desktop.settings;

import java.util.Locale;

/**
 * The app's own settings (the login is fluxctl's {@code credentials.toml}).
 *
 * @param theme          {@code light} or {@code dark}
 * @param language       one of {@link dev.flux.desktop.Messages#LANGUAGES}
 * @param startAtSignIn  whether the app starts when the user signs in to the desktop
 */
public record DesktopSettings(String theme, Locale language, boolean startAtSignIn) {

    public static final String LIGHT = "light";
    public static final String DARK = "dark";

    public static DesktopSettings defaults(Locale systemLocale) {
        return new DesktopSettings(LIGHT, dev.flux.desktop.Messages.supported(systemLocale), false);
    }
}
