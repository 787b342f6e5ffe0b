package dev.flux.controlplane.security;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.token.CreatedToken;
import dev.flux.controlplane.token.TokenIssuer;
import dev.flux.controlplane.user.Passwords;
import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Signing in with a password, the way to a first API token: {@code POST /api/v1/auth/token} exchanges a username
 * and password for a new token; {@code POST /api/v1/auth/password} changes a password (required before the first
 * token when the password was one-time). Every attempt is audited, failures included.
 */
@RestController
@RequestMapping("/api/v1/auth")
class SignInController {

    private static final String WRONG_CREDENTIALS = "wrong username or password";

    private final UserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final TokenIssuer issuer;
    private final AuditLog audit;
    private final PasswordChanges passwordChanges;
    private final SignInThrottle throttle;
    /** Compared against when the user does not exist, so that a miss takes as long as a wrong password. */
    private final String decoyHash;

    SignInController(UserRepository users, PasswordEncoder passwordEncoder, TokenIssuer issuer, AuditLog audit,
                     PasswordChanges passwordChanges, SignInThrottle throttle) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.issuer = issuer;
        this.audit = audit;
        this.passwordChanges = passwordChanges;
        this.throttle = throttle;
        this.decoyHash = passwordEncoder.encode(Passwords.generate());
    }

    /**
     * @param tokenName omitted: "sign-in"
     * @param scopes omitted: {@code tunnels}
     */
    record SignIn(@NotBlank String username, @NotNull String password, @Nullable @Size(max = 100) String tokenName,
                  @Nullable List<String> scopes, @Nullable Instant expiresAt) {
    }

    record PasswordChange(@NotBlank String username, @NotNull String currentPassword, @NotNull String newPassword) {
    }

    @PostMapping("/token")
    @ResponseStatus(HttpStatus.CREATED)
    CreatedToken signIn(@Valid @RequestBody SignIn request) {
        Set<Scope> scopes = request.scopes() == null ? EnumSet.of(Scope.TUNNELS) : Scope.parse(request.scopes());
        User user = authenticate(request.username(), request.password(), "sign-in.failed");
        if (user.mustChangePassword()) {
            audit.record(user.username(), "sign-in.refused", user.username(), Map.of("reason", "password change"));
            throw ApiException.forbidden("password_change_required", "the password of '" + user.username()
                    + "' must be changed before the first sign-in: POST /api/v1/auth/password");
        }
        audit.record(user.username(), "sign-in", user.username(), Map.of());
        String name = request.tokenName() == null || request.tokenName().isBlank() ? "sign-in" : request.tokenName();
        return issuer.issue(user.id(), user.isAdmin(), name, scopes, request.expiresAt(), user.username());
    }

    @PostMapping("/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void changePassword(@Valid @RequestBody PasswordChange request) {
        User user = authenticate(request.username(), request.currentPassword(), "password.change.failed");
        passwordChanges.change(user, request.currentPassword(), request.newPassword());
    }

    /**
     * The user with these credentials; a refusal (audited as {@code failedAction}) otherwise. Failures count
     * towards the lock-out the web sign-in shares ({@link SignInThrottle}).
     */
    private User authenticate(String username, String password, String failedAction) {
        Optional<Instant> locked = throttle.lockedUntil(username);
        if (locked.isPresent()) {
            audit.record(username, failedAction, username, Map.of("reason", "locked"));
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "account_locked",
                    SignInThrottle.lockedMessage(username, locked.get()));
        }
        Optional<User> found = users.findByUsername(username);
        boolean matches = passwordEncoder.matches(password, found.map(User::passwordHash).orElse(decoyHash));
        if (found.isEmpty() || !matches) {
            audit.record(username, failedAction, username, Map.of("reason", "wrong credentials"));
            throttle.recordFailure(username);
            throw new ApiException(HttpStatus.UNAUTHORIZED, "invalid_credentials", WRONG_CREDENTIALS);
        }
        throttle.recordSuccess(username);
        User user = found.get();
        if (user.disabled()) {
            audit.record(username, failedAction, username, Map.of("reason", "account disabled"));
            throw ApiException.forbidden("account_disabled", "the account '" + username + "' is disabled");
        }
        return user;
    }
}
