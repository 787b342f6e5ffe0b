package dev.flux.desktop.tunnels;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;

/** A public URL as a QR code, for opening it on a phone (in WeChat's scanner, for one). */
public final class QrCode {

    private QrCode() {
    }

    /** The modules of the code for {@code text}, with a quiet zone of 2 modules. */
    public static BitMatrix matrix(String text) {
        try {
            return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.MARGIN, 2, EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot make a QR code of '" + text + "': " + e.getMessage(), e);
        }
    }

    /** The code as an image, each module {@code scale} pixels wide, black on white. */
    public static WritableImage image(String text, int scale) {
        BitMatrix m = matrix(text);
        WritableImage image = new WritableImage(m.getWidth() * scale, m.getHeight() * scale);
        PixelWriter w = image.getPixelWriter();
        for (int y = 0; y < m.getHeight() * scale; y++) {
            for (int x = 0; x < m.getWidth() * scale; x++) {
                w.setColor(x, y, m.get(x / scale, y / scale) ? Color.BLACK : Color.WHITE);
            }
        }
        return image;
    }
}
