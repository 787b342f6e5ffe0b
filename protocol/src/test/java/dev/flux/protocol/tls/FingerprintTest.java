package dev.flux.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FingerprintTest {

    private static X509Certificate cert;
    private static X509Certificate other;
    private static byte[] digest;

    @BeforeAll
    static void certificates() throws Exception {
        cert = NodeCertificate.generate(List.of("node.example.test")).leaf();
        other = NodeCertificate.generate(List.of("node.example.test")).leaf();
        digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    }

    @Test
    void isWrittenAsOpenSshWritesIt() {
        String expected = "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);

        assertThat(Fingerprint.of(cert)).hasToString(expected);
        assertThat(expected).hasSize("SHA256:".length() + 43);
    }

    @Test
    void parsesItsOwnForm() {
        Fingerprint f = Fingerprint.of(cert);

        assertThat(Fingerprint.parse(f.toString())).isEqualTo(f).hasSameHashCodeAs(f);
    }

    @Test
    void parsesEveryAcceptedForm() {
        Fingerprint f = Fingerprint.of(cert);
        String b64 = Base64.getEncoder().withoutPadding().encodeToString(digest);
        String hex = HexFormat.of().formatHex(digest);
        String colons = HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);

        assertThat(List.of(
                "SHA256:" + b64,
                "sha256:" + b64,
                "Sha256:" + b64,
                "SHA256:" + Base64.getEncoder().encodeToString(digest), // with the padding
                "  SHA256:" + b64 + "\n",
                hex,
                hex.toUpperCase(Locale.ROOT),
                colons, // as openssl x509 -fingerprint -sha256 prints it
                colons.toLowerCase(Locale.ROOT),
                " " + colons + " "))
                .allSatisfy(text -> assertThat(Fingerprint.parse(text)).as(text).isEqualTo(f));
    }

    @Test
    void matchesOnlyItsCertificate() {
        Fingerprint f = Fingerprint.of(cert);

        assertThat(f.matches(cert)).isTrue();
        assertThat(f.matches(other)).isFalse();
        assertThat(f).isNotEqualTo(Fingerprint.of(other)).isNotEqualTo(f.toString()).isNotEqualTo(null);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "   ",
            "SHA256:",
            "SHA256:abc",
            "SHA256:not base64 at all, not even close!!!!!!!!",
            // url-safe alphabet is not the OpenSSH one
            "SHA256:-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-",
            // 31 and 33 bytes
            "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "SHA1:2jmj7l5rSw0yVb/vlWAYkK/YBwk",
            "MD5:d4:1d:8c:d9:8f:00:b2:04:e9:80:09:98:ec:f8:42:7e",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adab",
            "gg7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "ba 78 16 bf 8f 01 cf ea 41 41 40 de 5d ae 22 23 b0 03 61 a3 96 17 7a 9c b4 10 ff 61 f2 00 15 ad",
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    })
    void rejectsAnythingElseNamingTheValueAndTheAcceptedForms(String text) {
        assertThatThrownBy(() -> Fingerprint.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fingerprint: '" + text
                        + "' (expected: SHA256:<43 base64 characters> or 64 hex digits, as the node logs it)")
                .hasNoCause();
    }
}
