package dev.flux.controlplane.security;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.user.Passwords;
import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import java.util.Map;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Replaces a user's password with one the user chose (after the current one was checked by the caller), which
 * also ends the duty to change a one-time password. The REST sign-in and the web UI both change passwords here.
 */
@Component
public class PasswordChanges {

    private final UserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final AuditLog audit;

    PasswordChanges(UserRepository users, PasswordEncoder passwordEncoder, AuditLog audit) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
    }

    /** @throws ApiException 422 when the new password is too short or the same as the current one */
    @Transactional
    public void change(User user, String currentPassword, String newPassword) {
        Passwords.checkChosen(newPassword);
        if (newPassword.equals(currentPassword)) {
            throw ApiException.unprocessable("password_unchanged", "the new password must differ from the current one");
        }
        users.setPassword(user.id(), passwordEncoder.encode(newPassword), false);
        audit.record(user.username(), "password.change", user.username(), Map.of());
    }

    /** Whether {@code password} is the user's current password. */
    public boolean matches(User user, String password) {
        return passwordEncoder.matches(password, user.passwordHash());
    }
}
