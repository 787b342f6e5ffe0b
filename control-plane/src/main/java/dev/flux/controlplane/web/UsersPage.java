package dev.flux.controlplane.web;

import dev.flux.controlplane.security.WebUser;
import dev.flux.controlplane.user.Role;
import dev.flux.controlplane.user.UserController;
import org.jspecify.annotations.Nullable;
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
 * {@code /users} (administrators): accounts, with create, disable/enable, password reset and quotas, all through
 * the REST API's {@link UserController}. One-time passwords are shown once, in the page after the action.
 */
@Controller
@RequestMapping("/users")
class UsersPage {

    private final UserController api;
    private final PageActions actions;

    UsersPage(UserController api, PageActions actions) {
        this.api = api;
        this.actions = actions;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("users", api.list());
        return "users";
    }

    @PostMapping
    String create(@AuthenticationPrincipal WebUser me, @RequestParam String username,
                  @RequestParam(defaultValue = "user") String role, @RequestParam(required = false) @Nullable Integer maxTunnels,
                  @RequestParam(required = false) @Nullable Integer maxPorts, RedirectAttributes flash) {
        return actions.run(flash, "/users", () -> {
            UserController.CreatedUser created = api.create(actions.valid(new UserController.NewUser(
                    username.trim(), null, role.equals("admin") ? Role.ADMIN : Role.USER, maxTunnels, maxPorts)),
                    me.asApiPrincipal());
            flash.addFlashAttribute("oneTimeUser", created.user().username());
            flash.addFlashAttribute("oneTimePassword", created.password());
        });
    }

    @PostMapping("/{id}/disable")
    String disable(@AuthenticationPrincipal WebUser me, @PathVariable long id, RedirectAttributes flash) {
        return actions.run(flash, "/users", () -> api.update(id,
                new UserController.UserChange(true, null, null, null), me.asApiPrincipal()));
    }

    @PostMapping("/{id}/enable")
    String enable(@AuthenticationPrincipal WebUser me, @PathVariable long id, RedirectAttributes flash) {
        return actions.run(flash, "/users", () -> api.update(id,
                new UserController.UserChange(false, null, null, null), me.asApiPrincipal()));
    }

    @PostMapping("/{id}/quotas")
    String quotas(@AuthenticationPrincipal WebUser me, @PathVariable long id, @RequestParam int maxTunnels,
                  @RequestParam int maxPorts, RedirectAttributes flash) {
        return actions.run(flash, "/users", () -> api.update(id, actions.valid(
                new UserController.UserChange(null, null, maxTunnels, maxPorts)), me.asApiPrincipal()));
    }

    @PostMapping("/{id}/password-reset")
    String resetPassword(@AuthenticationPrincipal WebUser me, @PathVariable long id, RedirectAttributes flash) {
        return actions.run(flash, "/users", () -> {
            UserController.PasswordReset reset = api.resetPassword(id, me.asApiPrincipal());
            flash.addFlashAttribute("oneTimeUser", api.get(id).username());
            flash.addFlashAttribute("oneTimePassword", reset.password());
        });
    }
}
