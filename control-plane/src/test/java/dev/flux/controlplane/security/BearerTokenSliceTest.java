package dev.flux.controlplane.security;

import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.flux.controlplane.api.ApiErrorWriter;
import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.token.ApiTokenRepository;
import dev.flux.controlplane.token.TokenGrant;
import dev.flux.protocol.auth.Tokens;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The security chain and the error handling in a web slice, without a database: the bearer filter, the scope
 * rules, and every refusal as JSON.
 */
@WebMvcTest(controllers = BearerTokenSliceTest.Probe.class)
@Import({ApiSecurityConfiguration.class, ApiErrorWriter.class, BearerTokenSliceTest.Probe.class})
class BearerTokenSliceTest {

    private static final String TUNNELS = Tokens.generate();
    private static final String ADMIN_OF_NON_ADMIN = Tokens.generate();
    private static final String EXPIRED = Tokens.generate();

    @Autowired
    MockMvc mvc;
    @MockitoBean
    ApiTokenRepository tokens;

    /** Endpoints under the paths the scope rules guard. */
    @RestController
    static class Probe {

        @GetMapping("/api/v1/tunnels/probe")
        String tunnels(@AuthenticationPrincipal ApiPrincipal caller) {
            return caller.username() + " " + Scope.ids(caller.scopes());
        }

        @GetMapping("/api/v1/users/probe")
        String users() {
            return "admin";
        }

        @PostMapping("/api/v1/tunnels/probe")
        String refuse() {
            throw ApiException.unprocessable("quota_exceeded", "quota of 5 tunnels reached");
        }
    }

    private void grants() {
        given(tokens.findGrant(Tokens.hash(TUNNELS))).willReturn(Optional.of(grant(1, List.of("tunnels"), null, true)));
        given(tokens.findGrant(Tokens.hash(ADMIN_OF_NON_ADMIN)))
                .willReturn(Optional.of(grant(2, List.of("tunnels", "admin"), null, false)));
        given(tokens.findGrant(Tokens.hash(EXPIRED)))
                .willReturn(Optional.of(grant(3, List.of("tunnels"), Instant.now().minusSeconds(1), true)));
    }

    @Test
    void aValidTokenAuthenticatesWithItsScopes() throws Exception {
        grants();
        mvc.perform(get("/api/v1/tunnels/probe").header("Authorization", "Bearer " + TUNNELS))
                .andExpect(status().isOk())
                .andExpect(content().string("ann [tunnels]"));
        verify(tokens).touch(anyLong());
    }

    @Test
    void missingAndMalformedCredentialsAre401Json() throws Exception {
        mvc.perform(get("/api/v1/tunnels/probe"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "Bearer"))
                .andExpect(jsonPath("$.error").value("unauthenticated"));
        mvc.perform(get("/api/v1/tunnels/probe").header("Authorization", "Basic YTpi"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error").value("unsupported_credentials"));
        mvc.perform(get("/api/v1/tunnels/probe").header("Authorization", "Bearer not-a-flux-token"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error").value("invalid_token"));
    }

    @Test
    void anExpiredTokenSaysSo() throws Exception {
        grants();
        mvc.perform(get("/api/v1/tunnels/probe").header("Authorization", "Bearer " + EXPIRED))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error").value("token_expired"));
    }

    @Test
    void theAdminScopeCountsOnlyForAdministrators() throws Exception {
        grants();
        mvc.perform(get("/api/v1/users/probe").header("Authorization", "Bearer " + TUNNELS))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.message").value(
                        "this needs a token with the 'admin' scope (only administrators' tokens have it)"));
        // a token made with the admin scope, whose owner is no longer an administrator
        mvc.perform(get("/api/v1/users/probe").header("Authorization", "Bearer " + ADMIN_OF_NON_ADMIN))
                .andExpect(status().isForbidden());
    }

    @Test
    void aRefusalIsJson() throws Exception {
        grants();
        mvc.perform(post("/api/v1/tunnels/probe").header("Authorization", "Bearer " + TUNNELS))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.error").value("quota_exceeded"))
                .andExpect(jsonPath("$.message").value("quota of 5 tunnels reached"));
    }

    private static TokenGrant grant(long id, List<String> scopes, Instant expiresAt, boolean administrator) {
        return new TokenGrant(id, "token" + id, scopes, expiresAt, null, id, "ann", administrator, false);
    }
}
