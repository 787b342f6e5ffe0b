package dev.flux.desktop;

/**
 * The jar's entry point. It is not the {@link javafx.application.Application} subclass on purpose: with JavaFX on the
 * class path (the shaded {@code flux-desktop.jar}), {@code java -jar} refuses to start a main class that extends
 * Application, and starts this one.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        FluxDesktop.main(args);
    }
}
