package dev.flux.desktop;

import java.io.IOException;
import java.io.UncheckedIOException;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

/** Loads a screen's FXML (beside its view class) with the given controller and the app's words. */
public final class ViewLoader {

    private ViewLoader() {
    }

    public static Parent load(Object view, String fxml, Messages messages) {
        FXMLLoader loader = new FXMLLoader(view.getClass().getResource(fxml), messages.bundle());
        loader.setController(view);
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + fxml + ": " + e.getMessage(), e);
        }
    }
}
