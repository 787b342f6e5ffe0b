package dev.flux.desktop;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.testfx.api.FxRobot;

/**
 * Saves the window as {@code desktop-NAME.png} into the folder named by {@code -Dflux.desktop.screenshots}
 * (screenshots.sh sets it); does nothing in ordinary test runs.
 */
final class Screenshots {

    private Screenshots() {
    }

    static void take(FxRobot robot, String name) {
        String dir = System.getProperty("flux.desktop.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WritableImage[] shot = new WritableImage[1];
        robot.interact(() -> {
            Scene scene = robot.listTargetWindows().stream().filter(w -> w.getScene() != null
                    && w instanceof javafx.stage.Stage).findFirst().orElseThrow().getScene();
            shot[0] = scene.snapshot(null);
        });
        PixelReader pixels = shot[0].getPixelReader();
        int w = (int) shot[0].getWidth();
        int h = (int) shot[0].getHeight();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        try {
            Path out = Files.createDirectories(Path.of(dir)).resolve("desktop-" + name + ".png");
            ImageIO.write(image, "png", out.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the screenshot " + name + ": " + e.getMessage(), e);
        }
    }
}
