import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The FLUX Gateway icon, drawn from shapes (no artwork is copied), and the containers Windows and macOS want it in.
 *
 * <pre>
 *   java FluxIcon.java draw OUT.png SIZE   draw the icon as a SIZE x SIZE PNG
 *   java FluxIcon.java ico IN.png OUT.ico  wrap a 256 x 256 PNG as a Windows icon (a PNG entry, Vista and later)
 *   java FluxIcon.java icns IN.png OUT.icns wrap a 256 x 256 PNG as a macOS icon (an ic08 entry)
 * </pre>
 *
 * The icon: a blue rounded square, a tunnel arch, and a white arrow running through it.
 */
public final class FluxIcon {

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: draw OUT.png SIZE | ico IN.png OUT.ico | icns IN.png OUT.icns");
        }
        switch (args[0]) {
            case "draw" -> ImageIO.write(draw(Integer.parseInt(args[2])), "png", Path.of(args[1]).toFile());
            case "ico" -> Files.write(Path.of(args[2]), ico(Files.readAllBytes(Path.of(args[1]))));
            case "icns" -> Files.write(Path.of(args[2]), icns(Files.readAllBytes(Path.of(args[1]))));
            default -> throw new IllegalArgumentException("unknown mode '" + args[0] + "' (expected draw, ico or icns)");
        }
    }

    static BufferedImage draw(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.scale(size / 256.0, size / 256.0);

        g.setPaint(new GradientPaint(0, 0, new Color(0x2F, 0x80, 0xED), 256, 256, new Color(0x1A, 0x3F, 0x9C)));
        g.fill(new RoundRectangle2D.Double(8, 8, 240, 240, 56, 56));

        // the tunnel: an arch over the lower half
        g.setColor(new Color(255, 255, 255, 90));
        g.setStroke(new BasicStroke(18, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D arch = new Path2D.Double();
        arch.moveTo(56, 196);
        arch.lineTo(56, 128);
        arch.curveTo(56, 62, 200, 62, 200, 128);
        arch.lineTo(200, 196);
        g.draw(arch);

        // the flow: an arrow through the tunnel
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(20, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D flow = new Path2D.Double();
        flow.moveTo(36, 160);
        flow.curveTo(92, 160, 112, 132, 150, 132);
        flow.lineTo(206, 132);
        g.draw(flow);
        Path2D head = new Path2D.Double();
        head.moveTo(186, 106);
        head.lineTo(222, 132);
        head.lineTo(186, 158);
        g.draw(head);
        g.dispose();
        return image;
    }

    static byte[] ico(byte[] png) {
        ByteBuffer b = ByteBuffer.allocate(6 + 16 + png.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 1);          // reserved, type icon, one image
        b.put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);             // 256 x 256 (0 means 256), no palette
        b.putShort((short) 1).putShort((short) 32);                             // planes, bits per pixel
        b.putInt(png.length).putInt(6 + 16);                                    // size and offset of the PNG
        b.put(png);
        return b.array();
    }

    static byte[] icns(byte[] png) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        header.put("icns".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16 + png.length);
        header.put("ic08".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(8 + png.length);
        out.write(header.array());
        out.write(png);
        return out.toByteArray();
    }
}
