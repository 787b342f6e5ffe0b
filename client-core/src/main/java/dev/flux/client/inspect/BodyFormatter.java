package dev.flux.client.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flux.client.HttpMessageCapture;
import dev.flux.client.wechat.WeChatMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

/**
 * Turns a captured body into something to read: JSON and XML pretty-printed, form fields one a line, text as it
 * is, anything else as a hex dump. A gzip body is shown as {@code gzip, N bytes} and, when it was captured whole
 * and is small, decoded.
 */
public final class BodyFormatter {

    /** gzip bodies up to this size (compressed) are decoded for display. */
    static final int MAX_GUNZIP_INPUT = 256 * 1024;
    /** Decoding stops after this many bytes. */
    static final int MAX_GUNZIP_OUTPUT = 1024 * 1024;
    /** Hex dumps show at most this many bytes. */
    static final int MAX_HEX_BYTES = 4096;

    private static final ObjectMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private BodyFormatter() {
    }

    public static FormattedBody format(HttpMessageCapture message) {
        return format(message.header("Content-Type"), message.header("Content-Encoding"), message.body(),
                message.bodySize(), message.truncated());
    }

    public static FormattedBody format(String contentType, String contentEncoding, byte[] body, long size,
                                       boolean truncated) {
        String base64 = Base64.getEncoder().encodeToString(body);
        if (size == 0) {
            return new FormattedBody("empty", 0, 0, false, null, "", base64);
        }
        String coding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (coding.equals("gzip") || coding.equals("x-gzip")) {
            String encoding = "gzip, " + size + " bytes";
            byte[] decoded = truncated || body.length > MAX_GUNZIP_INPUT ? null : gunzip(body);
            if (decoded == null) {
                return new FormattedBody("gzip", size, body.length, truncated, encoding, truncated
                        ? "(gzip body, not decoded: only the first " + body.length + " bytes were kept)"
                        : body.length > MAX_GUNZIP_INPUT ? "(gzip body, too large to decode here)"
                        : "(not valid gzip)\n" + hex(body), base64);
            }
            FormattedBody inner = view(contentType, decoded, false);
            return new FormattedBody(inner.kind(), size, body.length, false, encoding + ", " + decoded.length
                    + " bytes decoded", inner.text(), base64);
        }
        FormattedBody v = view(contentType, body, truncated);
        String encoding = coding.equals("identity") ? null : coding + ", " + size + " bytes (not decoded)";
        if (encoding != null) {
            return new FormattedBody("binary", size, body.length, truncated, encoding, hex(body), base64);
        }
        return new FormattedBody(v.kind(), size, body.length, truncated, null, v.text(), base64);
    }

    private static FormattedBody view(String contentType, byte[] body, boolean truncated) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        Charset charset = charset(type);
        String text = decode(body, charset, truncated);
        if (text == null) {
            return new FormattedBody("binary", 0, 0, false, null, hex(body), null);
        }
        String trimmed = text.strip();
        if (type.contains("json") || (type.isEmpty() || type.startsWith("text/plain"))
                && (trimmed.startsWith("{") || trimmed.startsWith("["))) {
            String pretty = truncated ? null : prettyJson(text);
            if (pretty != null || type.contains("json")) {
                return new FormattedBody("json", 0, 0, false, null, pretty != null ? pretty : text, null);
            }
        }
        if (type.contains("xml") || (type.isEmpty() || type.startsWith("text/plain")) && trimmed.startsWith("<")
                && !type.contains("html")) {
            String pretty = truncated ? null : prettyXml(text);
            if (pretty != null || type.contains("xml")) {
                return new FormattedBody("xml", 0, 0, false, null, pretty != null ? pretty : text, null);
            }
        }
        if (type.startsWith("application/x-www-form-urlencoded")) {
            return new FormattedBody("form", 0, 0, false, null, form(text), null);
        }
        return new FormattedBody("text", 0, 0, false, null, text, null);
    }

    private static Charset charset(String contentType) {
        int i = contentType.indexOf("charset=");
        if (i >= 0) {
            String name = contentType.substring(i + 8).split("[;, ]")[0].replace("\"", "");
            try {
                return Charset.forName(name);
            } catch (RuntimeException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** The text, or null when the bytes are not text in that charset (a cut-off last character is forgiven). */
    private static String decode(byte[] body, Charset charset, boolean truncated) {
        int length = body.length;
        for (int cut = 0; cut <= (truncated ? 3 : 0) && length - cut >= 0; cut++) {
            try {
                String s = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(body, 0, length - cut)).toString();
                return looksBinary(s) ? null : s;
            } catch (CharacterCodingException e) {
                // try one byte shorter: a multi-byte character may have been cut by the capture limit
            }
        }
        return null;
    }

    private static boolean looksBinary(String s) {
        int control = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
                control++;
            }
        }
        return control > 0 && control * 20 > s.length() || s.indexOf('\0') >= 0;
    }

    static String prettyJson(String text) {
        try {
            JsonNode node = PRETTY.readTree(text);
            return node == null ? null : PRETTY.writeValueAsString(node);
        } catch (IOException e) {
            return null;
        }
    }

    static String prettyXml(String text) {
        try {
            var doc = WeChatMessage.parseXml(text);
            removeBlankText(doc.getDocumentElement());
            TransformerFactory tf = TransformerFactory.newInstance();
            tf.setAttribute(javax.xml.XMLConstants.ACCESS_EXTERNAL_DTD, "");
            tf.setAttribute(javax.xml.XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer t = tf.newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, text.strip().startsWith("<?xml") ? "no" : "yes");
            t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            StringWriter out = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString().strip();
        } catch (Exception e) {
            return null;
        }
    }

    private static void removeBlankText(org.w3c.dom.Node node) {
        var children = node.getChildNodes();
        for (int i = children.getLength() - 1; i >= 0; i--) {
            var c = children.item(i);
            if (c.getNodeType() == org.w3c.dom.Node.TEXT_NODE && c.getTextContent().isBlank()) {
                node.removeChild(c);
            } else {
                removeBlankText(c);
            }
        }
    }

    static String form(String text) {
        StringBuilder out = new StringBuilder();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.append(out.isEmpty() ? "" : "\n").append(urlDecode(k)).append(" = ").append(urlDecode(v));
        }
        return out.toString();
    }

    private static String urlDecode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** {@code 00000000  48 65 6c 6c 6f ...  |Hello...|}, 16 bytes a line, at most {@value #MAX_HEX_BYTES} bytes. */
    static String hex(byte[] body) {
        StringBuilder out = new StringBuilder();
        int n = Math.min(body.length, MAX_HEX_BYTES);
        for (int line = 0; line < n; line += 16) {
            out.append(String.format("%08x ", line));
            for (int i = 0; i < 16; i++) {
                if (i == 8) {
                    out.append(' ');
                }
                out.append(line + i < n ? String.format(" %02x", body[line + i] & 0xff) : "   ");
            }
            out.append("  |");
            for (int i = line; i < Math.min(line + 16, n); i++) {
                int b = body[i] & 0xff;
                out.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            out.append("|\n");
        }
        if (body.length > n) {
            out.append("... ").append(body.length - n).append(" more bytes\n");
        }
        return out.toString().stripTrailing();
    }

    private static byte[] gunzip(byte[] body) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int r;
            while ((r = in.read(buf)) > 0) {
                out.write(buf, 0, r);
                if (out.size() > MAX_GUNZIP_OUTPUT) {
                    return null;
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            return null;
        }
    }
}
