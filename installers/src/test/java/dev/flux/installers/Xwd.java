package dev.flux.installers;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the X window dumps {@code xwd} writes (the format of X11's XWDFile.h: a big-endian header of 25 32-bit
 * fields and the window name, a colour map of 12-byte entries, then the pixels), for true-colour screens of 24 or
 * 32 bits per pixel, as Xvfb's (whose 24-bit lines are padded: a line's length is the header's, not width times
 * pixel size).
 */
final class Xwd {

    private Xwd() {
    }

    static BufferedImage read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.BIG_ENDIAN);
        int headerSize = b.getInt(0);
        int format = b.getInt(8);
        int width = b.getInt(16);
        int height = b.getInt(20);
        boolean lsbFirst = b.getInt(28) == 0;
        int bitsPerPixel = b.getInt(44);
        int bytesPerLine = b.getInt(48);
        int visualClass = b.getInt(52);
        int redMask = b.getInt(56);
        int greenMask = b.getInt(60);
        int blueMask = b.getInt(64);
        int colors = b.getInt(76);
        int bytesPerPixel = bitsPerPixel / 8;
        if (format != 2 || visualClass != 4 && visualClass != 5 || bytesPerPixel < 3 || bytesPerLine < width * bytesPerPixel) {
            throw new IOException(file + ": not a true-colour ZPixmap dump (format " + format + ", visual class "
                    + visualClass + ", " + bytesPerPixel + " bytes a pixel)");
        }
        int pixels = headerSize + colors * 12;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = pixels + y * bytesPerLine + x * bytesPerPixel;
                int value = 0;
                for (int i = 0; i < bytesPerPixel; i++) {
                    int octet = b.get(at + i) & 0xFF;
                    value |= lsbFirst ? octet << (8 * i) : octet << (8 * (bytesPerPixel - 1 - i));
                }
                image.setRGB(x, y, channel(value, redMask) << 16 | channel(value, greenMask) << 8
                        | channel(value, blueMask));
            }
        }
        return image;
    }

    private static int channel(int value, int mask) {
        return (value & mask) >>> Integer.numberOfTrailingZeros(mask) & 0xFF;
    }
}
