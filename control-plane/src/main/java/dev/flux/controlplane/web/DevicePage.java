package dev.flux.controlplane.web;

import dev.flux.controlplane.device.DeviceAuthorizations;
import dev.flux.controlplane.device.DeviceRequest;
import dev.flux.controlplane.security.WebUser;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /device}: the user's side of device login. The user enters (or follows a link with) the code the device
 * shows, compares the client name, and approves or denies.
 */
@Controller
@RequestMapping("/device")
class DevicePage {

    private final DeviceAuthorizations authorizations;
    private final PageActions actions;

    DevicePage(DeviceAuthorizations authorizations, PageActions actions) {
        this.authorizations = authorizations;
        this.actions = actions;
    }

    @GetMapping
    String show(@RequestParam(required = false) @Nullable String code, Model model) {
        if (code != null && !code.isBlank()) {
            model.addAttribute("code", code.trim());
            authorizations.findPending(code).ifPresentOrElse(
                    request -> model.addAttribute("request", request),
                    () -> model.addAttribute("error", "there is no waiting request with the code '" + code.trim()
                            + "'; codes last " + DeviceAuthorizations.LIFETIME.toMinutes()
                            + " minutes: run the login on the device again"));
        }
        return "device";
    }

    @PostMapping("/approve")
    String approve(@AuthenticationPrincipal WebUser me, @RequestParam String code, RedirectAttributes flash) {
        return actions.run(flash, "/device", () -> {
            DeviceRequest request = authorizations.approve(code, me.asApiPrincipal());
            flash.addFlashAttribute("notice", "'" + request.clientName()
                    + "' is signed in as " + me.username() + "; you can close this page");
        });
    }

    @PostMapping("/deny")
    String deny(@AuthenticationPrincipal WebUser me, @RequestParam String code, RedirectAttributes flash) {
        return actions.run(flash, "/device", () -> {
            DeviceRequest request = authorizations.deny(code, me.asApiPrincipal());
            flash.addFlashAttribute("notice", "the request of '" + request.clientName() + "' was denied");
        });
    }
}
