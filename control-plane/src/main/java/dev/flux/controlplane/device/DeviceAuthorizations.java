package dev.flux.controlplane.device;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.security.ApiPrincipal;
import dev.flux.controlplane.security.Scope;
import dev.flux.controlplane.token.CreatedToken;
import dev.flux.controlplane.token.TokenIssuer;
import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import dev.flux.protocol.auth.Tokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Device login (like RFC 8628): a device without a browser ({@code fluxctl login}) asks for a code pair, the user
 * approves the user code on the {@code /device} page while signed in, and the device exchanges its device code for
 * an API token with the {@code tunnels} scope, once. The token is issued at that exchange, so that no token
 * secret is ever stored; the approval itself is audited as {@code device.approve}.
 */
@Component
public class DeviceAuthorizations {

    /** How long a device code can be approved and exchanged. */
    public static final Duration LIFETIME = Duration.ofMinutes(10);
    /** How often the device may poll, in seconds (told to it as {@code interval}). */
    public static final int INTERVAL_SECONDS = 1;
    /** Polls closer together than this are answered {@code slow_down} (half the interval: timers are not exact). */
    private static final Duration MIN_POLL_GAP = Duration.ofMillis(INTERVAL_SECONDS * 500L);
    private static final String DEVICE_CODE_PREFIX = "fdc_";
    private static final int MAX_CLIENT_NAME = 100;

    private final DeviceCodeRepository codes;
    private final TokenIssuer issuer;
    private final UserRepository users;
    private final AuditLog audit;
    private final Clock clock;

    DeviceAuthorizations(DeviceCodeRepository codes, TokenIssuer issuer, UserRepository users, AuditLog audit) {
        this.codes = codes;
        this.issuer = issuer;
        this.users = users;
        this.audit = audit;
        this.clock = Clock.systemUTC();
    }

    /** A new request's codes: the device code is the device's secret, the user code is shown to the user. */
    public record Started(String deviceCode, String userCode, Duration expiresIn) {
    }

    /** The token a device receives for an approved request. */
    public record Issued(String token, String username) {
    }

    /** Starts a request for {@code clientName} (e.g. "fluxctl on myhost"), which names the token it will get. */
    public Started start(String clientName) {
        String name = clientName.strip();
        if (name.isEmpty() || name.length() > MAX_CLIENT_NAME) {
            throw ApiException.badRequest("clientName: '" + clientName + "' must have 1-" + MAX_CLIENT_NAME
                    + " characters");
        }
        Instant now = clock.instant();
        codes.deleteExpiredBefore(now.minus(Duration.ofHours(1)));
        String deviceCode = DEVICE_CODE_PREFIX + Tokens.generate().substring(Tokens.PREFIX.length());
        for (int attempt = 0; ; attempt++) {
            String userCode = DeviceCodes.generate();
            try {
                codes.insert(Tokens.hash(deviceCode), userCode, name, now.plus(LIFETIME));
                return new Started(deviceCode, DeviceCodes.display(userCode), LIFETIME);
            } catch (DuplicateKeyException e) {
                if (attempt == 5) { // 20^8 codes: five clashes in a row mean something else is wrong
                    throw e;
                }
            }
        }
    }

    /**
     * Exchanges a device code for its token: once, after approval.
     *
     * @throws ApiException 400 {@code authorization_pending}, {@code slow_down}, {@code access_denied} or
     *     {@code expired_token} (also for unknown and already exchanged codes)
     */
    @Transactional(noRollbackFor = ApiException.class)
    public Issued exchange(String deviceCode) {
        Instant now = clock.instant();
        DeviceRequest request = codes.lockByDeviceCodeHash(Tokens.hash(deviceCode))
                .filter(r -> !r.expired(now) && !r.status().equals("consumed"))
                .orElseThrow(() -> refusal("expired_token",
                        "the device code is unknown, expired or already used; run the login again"));
        if (request.lastPolledAt() != null
                && Duration.between(request.lastPolledAt(), now).compareTo(MIN_POLL_GAP) < 0) {
            throw refusal("slow_down", "poll at most once every " + INTERVAL_SECONDS + " s");
        }
        codes.polled(request.id(), now);
        switch (request.status()) {
            case "pending" -> throw refusal("authorization_pending",
                    "waiting for the user to approve code " + request.displayCode());
            case "denied" -> throw refusal("access_denied", "the user denied the request");
            default -> {
            }
        }
        User user = users.findById(request.userId()).filter(u -> !u.disabled())
                .orElseThrow(() -> refusal("access_denied", "the approving account is disabled"));
        codes.consume(request.id());
        CreatedToken token = issuer.issue(user.id(), user.isAdmin(), request.clientName(), EnumSet.of(Scope.TUNNELS),
                null, user.username());
        return new Issued(token.secret(), user.username());
    }

    /** The request a user code (as typed) names, if it can still be approved. */
    @Transactional
    public Optional<DeviceRequest> findPending(String typedUserCode) {
        Instant now = clock.instant();
        return DeviceCodes.normalize(typedUserCode).flatMap(codes::lockPendingByUserCode)
                .filter(r -> !r.expired(now));
    }

    /** Approves a pending request for the caller; the device then gets a token for the caller's account. */
    @Transactional
    public DeviceRequest approve(String typedUserCode, ApiPrincipal caller) {
        return decide(typedUserCode, caller, "approved", "device.approve");
    }

    /** Denies a pending request; the device is told {@code access_denied}. */
    @Transactional
    public DeviceRequest deny(String typedUserCode, ApiPrincipal caller) {
        return decide(typedUserCode, caller, "denied", "device.deny");
    }

    private DeviceRequest decide(String typedUserCode, ApiPrincipal caller, String status, String action) {
        DeviceRequest request = findPending(typedUserCode).orElseThrow(() -> ApiException.notFound(
                "device code '" + typedUserCode + "' (it may have expired: codes last "
                        + LIFETIME.toMinutes() + " minutes)"));
        codes.decide(request.id(), status, caller.userId());
        audit.record(caller.username(), action, request.clientName(), Map.of("userCode", request.displayCode()));
        return request;
    }

    private static ApiException refusal(String error, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, error, message);
    }
}
