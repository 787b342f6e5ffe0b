package dev.flux.controlplane.user;

import dev.flux.controlplane.ControlPlaneProperties;
import dev.flux.controlplane.audit.AuditLog;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * On the first start (no users yet) creates the administrator with a one-time password: the configured one
 * ({@code FLUX_ADMIN_PASSWORD}), or a generated one that is logged once. Either way it must be changed at the first
 * sign-in. Replicas starting together on an empty database create it once: the unique username decides.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final UserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final AuditLog audit;
    private final ControlPlaneProperties properties;

    AdminBootstrap(UserRepository users, PasswordEncoder passwordEncoder, AuditLog audit,
                   ControlPlaneProperties properties) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
        this.properties = properties;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        if (users.exists()) {
            return;
        }
        ControlPlaneProperties.Admin admin = properties.admin();
        boolean generated = admin.initialPassword().isEmpty();
        String password = generated ? Passwords.generate() : admin.initialPassword();
        ControlPlaneProperties.Quotas quotas = properties.quotas();
        users.insertIfAbsent(admin.username(), passwordEncoder.encode(password), Role.ADMIN, quotas.maxTunnels(),
                quotas.maxPorts()).ifPresent(user -> {
                    audit.record("system", "user.create", user.username(), Map.of("role", "admin", "bootstrap", true));
                    if (generated) {
                        log.warn("""

                                ************************************************************************
                                First start: created the administrator '{}' with the one-time password

                                    {}

                                It is shown only this once and must be changed at the first sign-in.
                                ************************************************************************""",
                                user.username(), password);
                    } else {
                        log.warn("First start: created the administrator '{}' with the configured password"
                                + " (FLUX_ADMIN_PASSWORD or flux.control-plane.admin.initial-password);"
                                + " it must be changed at the first sign-in", user.username());
                    }
                });
    }
}
