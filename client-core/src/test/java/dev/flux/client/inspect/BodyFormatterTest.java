package dev.flux.client.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BodyFormatterTest {

    private static FormattedBody format(String type, String encoding, byte[] body) {
        return BodyFormatter.format(type, encoding, body, body.length, false);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsPrettyPrinted() {
        FormattedBody b = format("application/json; charset=utf-8", null, utf8("{\"a\":1,\"b\":[\"中\"]}"));
        assertThat(b.kind()).isEqualTo("json");
        assertThat(b.text()).isEqualTo("{\n  \"a\" : 1,\n  \"b\" : [ \"中\" ]\n}");
        assertThat(b.size()).isEqualTo(b.captured()).isEqualTo(utf8("{\"a\":1,\"b\":[\"中\"]}").length);
        assertThat(b.truncated()).isFalse();
    }

    @Test
    void xmlIsIndentedAndDoctypesAreNotFollowed() {
        FormattedBody b = format("text/xml", null, utf8("<xml><A><![CDATA[x]]></A><B>2</B></xml>"));
        assertThat(b.kind()).isEqualTo("xml");
        assertThat(b.text()).isEqualTo("<xml>\n  <A><![CDATA[x]]></A>\n  <B>2</B>\n</xml>");

        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>";
        FormattedBody refused = format("application/xml", null, utf8(xxe));
        assertThat(refused.kind()).isEqualTo("xml");
        assertThat(refused.text()).isEqualTo(xxe); // shown as sent, not parsed
    }

    @Test
    void formsAreShownFieldByField() {
        FormattedBody b = format("application/x-www-form-urlencoded", null, utf8("name=J%C3%BCrgen+M&empty=&flag"));
        assertThat(b.kind()).isEqualTo("form");
        assertThat(b.text()).isEqualTo("name = Jürgen M\nempty = \nflag = ");
    }

    @Test
    void binaryIsAHexDump() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R', 0, 1};
        FormattedBody b = format("image/png", null, png);
        assertThat(b.kind()).isEqualTo("binary");
        assertThat(b.text()).isEqualTo(
                "00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|\n"
                + "00000010  00 01                                             |..|");
    }

    @Test
    void smallGzipIsDecodedAndTruncatedGzipIsOnlyDescribed() throws Exception {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(z)) {
            gz.write(utf8("{\"ok\":true}"));
        }
        byte[] gzip = z.toByteArray();
        FormattedBody b = format("application/json", "gzip", gzip);
        assertThat(b.kind()).isEqualTo("json");
        assertThat(b.encoding()).isEqualTo("gzip, " + gzip.length + " bytes, 11 bytes decoded");
        assertThat(b.text()).isEqualTo("{\n  \"ok\" : true\n}");

        FormattedBody cut = BodyFormatter.format("application/json", "gzip", java.util.Arrays.copyOf(gzip, 10),
                gzip.length, true);
        assertThat(cut.kind()).isEqualTo("gzip");
        assertThat(cut.encoding()).isEqualTo("gzip, " + gzip.length + " bytes");
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.text()).contains("not decoded");
    }

    @Test
    void aTruncatedBodyIsShownAsFarAsItWasKeptEvenMidCharacter() {
        byte[] full = utf8("{\"text\":\"中文中文\"}");
        byte[] cut = java.util.Arrays.copyOf(full, 13); // ends inside the second 中
        FormattedBody b = BodyFormatter.format("application/json", null, cut, full.length, true);
        assertThat(b.kind()).isEqualTo("json");
        assertThat(b.truncated()).isTrue();
        assertThat(b.captured()).isEqualTo(13);
        assertThat(b.size()).isEqualTo(full.length);
        assertThat(b.text()).isEqualTo("{\"text\":\"中");
    }

    @Test
    void emptyAndPlainText() {
        assertThat(format("text/plain", null, new byte[0]).kind()).isEqualTo("empty");
        FormattedBody t = format("text/plain; charset=ISO-8859-1", null, new byte[] {'c', 'a', 'f', (byte) 0xe9});
        assertThat(t.kind()).isEqualTo("text");
        assertThat(t.text()).isEqualTo("café");
        assertThat(format(null, null, utf8("[1,2]")).kind()).isEqualTo("json");
    }
}
