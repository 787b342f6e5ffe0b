package dev.flux.controlplane.user;

import dev.flux.controlplane.ControlPlaneProperties;
import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.security.ApiPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/users}: account administration (the security configuration requires the admin scope). */
@RestController
@RequestMapping("/api/v1/users")
public class UserController {

    private final UserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final AuditLog audit;
    private final ControlPlaneProperties.Quotas defaultQuotas;

    UserController(UserRepository users, PasswordEncoder passwordEncoder, AuditLog audit,
                   ControlPlaneProperties properties) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
        this.defaultQuotas = properties.quotas();
    }

    /**
     * @param password the first password; omitted: a generated one, returned once. Either way the user must change
     *     it at the first sign-in.
     */
    public record NewUser(
            @NotNull @Pattern(regexp = "[a-z0-9][a-z0-9._-]{0,63}",
                    message = "use 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
            String username,
            @Nullable String password,
            @Nullable Role role,
            @Nullable @Min(0) Integer maxTunnels,
            @Nullable @Min(0) Integer maxPorts) {
    }

    /** A user with, when the control plane chose it, the one-time password (shown only here). */
    public record CreatedUser(User user, @Nullable String password) {
    }

    public record UserChange(@Nullable Boolean disabled, @Nullable Role role, @Nullable @Min(0) Integer maxTunnels,
                      @Nullable @Min(0) Integer maxPorts) {
    }

    public record PasswordReset(String password) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    public CreatedUser create(@Valid @RequestBody NewUser request, @AuthenticationPrincipal ApiPrincipal caller) {
        boolean generated = request.password() == null;
        String password = generated ? Passwords.generate() : request.password();
        Passwords.checkChosen(password);
        Role role = request.role() == null ? Role.USER : request.role();
        User user = users.insertIfAbsent(request.username(), passwordEncoder.encode(password), role,
                        request.maxTunnels() == null ? defaultQuotas.maxTunnels() : request.maxTunnels(),
                        request.maxPorts() == null ? defaultQuotas.maxPorts() : request.maxPorts())
                .orElseThrow(() -> ApiException.conflict("username_taken",
                        "username '" + request.username() + "' is taken"));
        audit.record(caller.username(), "user.create", user.username(),
                Map.of("role", role.id(), "maxTunnels", user.maxTunnels(), "maxPorts", user.maxPorts()));
        return new CreatedUser(user, generated ? password : null);
    }

    @GetMapping
    public List<User> list() {
        return users.findAll();
    }

    @GetMapping("/{id}")
    public User get(@PathVariable long id) {
        return find(id);
    }

    @PatchMapping("/{id}")
    @Transactional
    public User update(@PathVariable long id, @Valid @RequestBody UserChange change,
                @AuthenticationPrincipal ApiPrincipal caller) {
        User user = find(id);
        if (id == caller.userId() && (Boolean.TRUE.equals(change.disabled()) || change.role() == Role.USER)) {
            throw ApiException.unprocessable("self_lockout",
                    "you cannot disable your own account or take away your own admin role");
        }
        users.update(id, change.disabled(), change.role(), change.maxTunnels(), change.maxPorts());
        Map<String, Object> detail = new LinkedHashMap<>();
        if (change.disabled() != null) {
            detail.put("disabled", change.disabled());
        }
        if (change.role() != null) {
            detail.put("role", change.role().id());
        }
        if (change.maxTunnels() != null) {
            detail.put("maxTunnels", change.maxTunnels());
        }
        if (change.maxPorts() != null) {
            detail.put("maxPorts", change.maxPorts());
        }
        audit.record(caller.username(), "user.update", user.username(), detail);
        return find(id);
    }

    /** Gives the user a new one-time password (returned once); the user must change it at the next sign-in. */
    @PostMapping("/{id}/password-reset")
    @Transactional
    public PasswordReset resetPassword(@PathVariable long id, @AuthenticationPrincipal ApiPrincipal caller) {
        User user = find(id);
        String password = Passwords.generate();
        users.setPassword(id, passwordEncoder.encode(password), true);
        audit.record(caller.username(), "user.password-reset", user.username(), Map.of());
        return new PasswordReset(password);
    }

    private User find(long id) {
        return users.findById(id).orElseThrow(() -> ApiException.notFound("user " + id));
    }
}
