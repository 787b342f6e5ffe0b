package dev.flux.controlplane.web;

import dev.flux.controlplane.security.Scope;
import dev.flux.controlplane.security.WebUser;
import dev.flux.controlplane.token.CreatedToken;
import dev.flux.controlplane.token.TokenController;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /tokens}: API tokens through the REST API's {@link TokenController}: a user sees and revokes their own,
 * an administrator everyone's. A new token's secret is shown once, on the page right after it was created.
 */
@Controller
@RequestMapping("/tokens")
class TokensPage {

    private final TokenController api;
    private final PageActions actions;
    private final Clock clock = Clock.systemUTC();

    TokensPage(TokenController api, PageActions actions) {
        this.api = api;
        this.actions = actions;
    }

    @GetMapping
    String list(@AuthenticationPrincipal WebUser me, Model model) {
        model.addAttribute("tokens", api.list(me.asApiPrincipal()));
        return "tokens";
    }

    /** @param expiresInDays 0: never expires */
    @PostMapping
    String create(@AuthenticationPrincipal WebUser me, @RequestParam String name,
                  @RequestParam(defaultValue = "0") int expiresInDays,
                  @RequestParam(defaultValue = "false") boolean admin, RedirectAttributes flash) {
        return actions.run(flash, "/tokens", () -> {
            List<String> scopes = new ArrayList<>(List.of(Scope.TUNNELS.id()));
            if (admin) {
                scopes.add(Scope.ADMIN.id());
            }
            Instant expiresAt = expiresInDays <= 0 ? null : clock.instant().plus(Duration.ofDays(expiresInDays));
            CreatedToken created = api.create(actions.valid(new TokenController.NewToken(name.trim(), scopes,
                    expiresAt)), me.asApiPrincipal());
            flash.addFlashAttribute("created", created);
        });
    }

    @PostMapping("/{id}/revoke")
    String revoke(@AuthenticationPrincipal WebUser me, @PathVariable long id, RedirectAttributes flash) {
        return actions.run(flash, "/tokens", () -> {
            api.revoke(id, me.asApiPrincipal());
            flash.addFlashAttribute("notice", "token " + id + " was revoked");
        });
    }
}
