package dev.flux.controlplane.device;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code /api/v1/device}: the device side of device login (no authentication). The user side is the web page
 * {@code /device}.
 */
@RestController
@RequestMapping("/api/v1/device")
class DeviceController {

    private final DeviceAuthorizations authorizations;

    DeviceController(DeviceAuthorizations authorizations) {
        this.authorizations = authorizations;
    }

    record AuthorizeRequest(@NotBlank String clientName) {
    }

    /**
     * @param verificationUri the page where the user enters the code
     * @param verificationUriComplete the same page with the code filled in
     * @param expiresIn seconds the codes stay valid
     * @param interval seconds the device waits between polls
     */
    record Authorization(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
                         long expiresIn, int interval) {
    }

    record TokenRequest(@NotNull String deviceCode) {
    }

    record IssuedToken(String token, String username) {
    }

    @PostMapping("/authorize")
    Authorization authorize(@Valid @RequestBody AuthorizeRequest request) {
        DeviceAuthorizations.Started started = authorizations.start(request.clientName());
        String page = ServletUriComponentsBuilder.fromCurrentContextPath().path("/device").toUriString();
        String complete = ServletUriComponentsBuilder.fromCurrentContextPath().path("/device")
                .queryParam("code", started.userCode()).toUriString();
        return new Authorization(started.deviceCode(), started.userCode(), page, complete,
                started.expiresIn().toSeconds(), DeviceAuthorizations.INTERVAL_SECONDS);
    }

    @PostMapping("/token")
    IssuedToken token(@Valid @RequestBody TokenRequest request) {
        DeviceAuthorizations.Issued issued = authorizations.exchange(request.deviceCode());
        return new IssuedToken(issued.token(), issued.username());
    }
}
