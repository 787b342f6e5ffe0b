package dev.flux.controlplane;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/**
 * The FLUX control plane: users, API tokens, nodes, tunnels and reservations over PostgreSQL, served as REST
 * under {@code /api/v1}. With no {@code spring.datasource.url} it runs its own PostgreSQL (see
 * {@code dev.flux.controlplane.db}).
 */
// API callers authenticate with bearer tokens only, so Boot's in-memory user with a generated password is not wanted.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class ControlPlaneApplication {

    public static void main(String[] args) {
        SpringApplication.run(ControlPlaneApplication.class, args);
    }
}
