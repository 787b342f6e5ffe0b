package dev.flux.controlplane;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code flux.control-plane.*} setting, with its default. Spring's own settings ({@code server.port},
 * {@code spring.datasource.*}) keep their usual names.
 *
 * @param dataDir the embedded PostgreSQL's data directory; kept across restarts. Unused with an external database
 *     ({@code spring.datasource.url} set).
 * @param embeddedPostgres how the embedded PostgreSQL runs
 * @param admin the account created on first start
 * @param quotas the quotas a new user gets unless the admin sets others
 * @param ports the TCP/UDP port range of tunnels and reservations that name no node
 */
@ConfigurationProperties("flux.control-plane")
@Validated
public record ControlPlaneProperties(
        @DefaultValue("./flux-data/postgres") @NotNull Path dataDir,
        @DefaultValue @Valid EmbeddedPostgres embeddedPostgres,
        @DefaultValue @Valid Admin admin,
        @DefaultValue @Valid Quotas quotas,
        @DefaultValue @Valid Ports ports) {

    /**
     * @param port the port PostgreSQL listens on (on localhost); 0 picks a free one on every start
     * @param startupTimeout how long to wait for PostgreSQL to accept connections
     * @param database the database the control plane keeps its tables in; created on first start
     */
    public record EmbeddedPostgres(
            @DefaultValue("0") @Min(0) @Max(65535) int port,
            @DefaultValue("60s") @NotNull Duration startupTimeout,
            @DefaultValue("flux") @NotBlank String database) {
    }

    /**
     * @param username the name of the administrator account created on first start
     * @param initialPassword its first password; empty (the default) generates a one-time password and logs it once.
     *     The environment variable {@code FLUX_ADMIN_PASSWORD} sets it. Either way it must be changed on first
     *     sign-in.
     */
    public record Admin(
            @DefaultValue("admin") @NotBlank String username,
            @DefaultValue("") String initialPassword) {
    }

    /**
     * @param maxTunnels how many tunnels a new user may have
     * @param maxPorts how many TCP/UDP ports (reserved or held by tunnels) a new user may hold
     */
    public record Quotas(
            @DefaultValue("10") @Min(0) int maxTunnels,
            @DefaultValue("5") @Min(0) int maxPorts) {
    }

    /**
     * @param min the first port of the range
     * @param max the last port of the range
     */
    public record Ports(
            @DefaultValue("20000") @Min(1) @Max(65535) int min,
            @DefaultValue("29999") @Min(1) @Max(65535) int max) {

        public Ports {
            if (min > max) {
                throw new IllegalArgumentException(
                        "flux.control-plane.ports: " + min + "-" + max + " (expected: min <= max)");
            }
        }
    }
}
