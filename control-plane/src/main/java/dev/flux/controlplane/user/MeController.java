package dev.flux.controlplane.user;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.security.ApiPrincipal;
import dev.flux.controlplane.security.Scope;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/me}: who the token belongs to and what it may do. */
@RestController
class MeController {

    private final UserRepository users;

    MeController(UserRepository users) {
        this.users = users;
    }

    /** @param scopes the token's effective scopes */
    record Me(User user, long tokenId, List<String> scopes) {
    }

    @GetMapping("/api/v1/me")
    Me me(@AuthenticationPrincipal ApiPrincipal caller) {
        User user = users.findById(caller.userId())
                .orElseThrow(() -> ApiException.notFound("user " + caller.userId()));
        return new Me(user, caller.tokenId(), Scope.ids(caller.scopes()));
    }
}
