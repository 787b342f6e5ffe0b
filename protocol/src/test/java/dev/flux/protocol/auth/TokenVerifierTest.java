package dev.flux.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class TokenVerifierTest {

    private final String alice = Tokens.generate();
    private final String bob = Tokens.generate();
    private final String carol = Tokens.generate();

    private final TokenVerifier<String> verifier = TokenVerifier.<String>builder()
            .addPlain(alice, "alice")
            .addHash(Tokens.hash(bob), "bob")
            .addPlain(carol, "carol")
            .build();

    @Test
    void aPlainEntryMatchesItsToken() {
        assertThat(verifier.verify(alice)).isEqualTo("alice");
        assertThat(verifier.verify(carol)).isEqualTo("carol");
    }

    @Test
    void aHashedEntryMatchesItsToken() {
        assertThat(verifier.verify(bob)).isEqualTo("bob");
    }

    @Test
    void aWrongTokenMatchesNothing() {
        assertThat(verifier.verify(Tokens.generate())).isNull();
        assertThat(verifier.verify(alice.substring(0, alice.length() - 1))).as("a prefix").isNull();
        assertThat(verifier.verify(alice + "x")).as("a longer token").isNull();
        assertThat(verifier.verify(alice.toUpperCase())).as("tokens are case-sensitive").isNull();
        assertThat(verifier.verify(" " + alice)).as("no trimming").isNull();
    }

    @Test
    void aStoredHashIsNotAToken() {
        assertThat(verifier.verify(Tokens.hash(bob))).isNull();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void noTokenMatchesNothing(String presented) {
        assertThat(verifier.verify(presented)).isNull();
        assertThat(TokenVerifier.<String>builder().addPlain("", "empty").build().verify(presented))
                .as("not even an entry for the empty string").isNull();
    }

    @Test
    void anEmptyVerifierMatchesNothing() {
        assertThat(TokenVerifier.<Integer>builder().build().verify(alice)).isNull();
    }

    @Test
    void whenTwoEntriesShareATokenTheFirstOneWins() {
        TokenVerifier<String> v = TokenVerifier.<String>builder()
                .addHash(Tokens.hash(alice), "first")
                .addPlain(alice, "second")
                .build();

        assertThat(v.verify(alice)).isEqualTo("first");
    }

    @Test
    void theVerifierIsNotChangedByLaterBuilderCalls() {
        TokenVerifier.Builder<String> builder = TokenVerifier.<String>builder().addPlain(alice, "alice");
        TokenVerifier<String> v = builder.build();
        builder.addPlain(bob, "bob");

        assertThat(v.verify(bob)).isNull();
        assertThat(builder.build().verify(bob)).isEqualTo("bob");
    }

    @Test
    void aMalformedStoredHashIsRefusedWhenAdded() {
        assertThatThrownBy(() -> TokenVerifier.<String>builder().addHash("sha256:1234", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256:1234");
    }
}
