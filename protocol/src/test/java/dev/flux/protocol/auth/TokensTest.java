package dev.flux.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TokensTest {

    private static final String HEX64 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void aTokenIsThePrefixAnd43UrlSafeBase64CharactersOf256RandomBits() {
        for (int i = 0; i < 200; i++) {
            String token = Tokens.generate();

            assertThat(token).matches("flx_[A-Za-z0-9_-]{43}");
            assertThat(Base64.getUrlDecoder().decode(token.substring(Tokens.PREFIX.length()))).hasSize(32);
        }
    }

    @Test
    void tokensAreUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            assertThat(seen.add(Tokens.generate())).as("token %d is new", i).isTrue();
        }
    }

    @Test
    void theHashIsSha256InLowerCaseHex() throws Exception {
        assertThat(Tokens.hash("abc")).isEqualTo("sha256:" + HEX64);

        String token = Tokens.generate();
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        assertThat(Tokens.hash(token)).isEqualTo("sha256:" + expected).matches("sha256:[0-9a-f]{64}");
        assertThat(Tokens.hash(token)).as("deterministic").isEqualTo(Tokens.hash(token));
        assertThat(Tokens.hash(token)).doesNotContain(token.substring(4));
    }

    @Test
    void theHashCoversTheWholeTokenInUtf8() {
        assertThat(Tokens.hash("flx_a")).isNotEqualTo(Tokens.hash("flx_b"));
        assertThat(Tokens.digest("ü")).isEqualTo(Tokens.digest(new String("ü".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8)));
        assertThat(Tokens.digest("ü")).isNotEqualTo(Tokens.digest("u"));
    }

    @Test
    void parseHashReturnsTheDigest() {
        String token = Tokens.generate();

        assertThat(Tokens.parseHash(Tokens.hash(token))).isEqualTo(Tokens.digest(token)).hasSize(32);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "sha256:",
            "sha256:abc",
            HEX64,
            "SHA256:" + HEX64,
            "sha-256:" + HEX64,
            "md5:" + HEX64,
            "sha256:" + HEX64 + "0",
            "sha256:" + HEX64 + " ",
            " sha256:" + HEX64,
    })
    void parseHashRejectsOtherFormsNamingTheValueAndTheExpectedForm(String stored) {
        assertThatThrownBy(() -> Tokens.parseHash(stored))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token hash: " + stored + " (expected: sha256:<64 hex digits>)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sha256:zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a ",
            "sha256:ba7816bf-f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    })
    void parseHashRejects64CharactersThatAreNotHexWithTheSameMessage(String stored) {
        // A typo in a stored hash in node.toml must be reported like any other malformed hash: by name, with the
        // value and the expected form, not as a bare "not a hexadecimal digit".
        assertThatThrownBy(() -> Tokens.parseHash(stored))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token hash: " + stored + " (expected: sha256:<64 hex digits>)");
    }
}
