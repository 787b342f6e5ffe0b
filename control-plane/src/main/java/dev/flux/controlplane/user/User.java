package dev.flux.controlplane.user;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * An account. The password hash never leaves the server (it is not serialised).
 *
 * @param maxTunnels how many tunnels the user may have
 * @param maxPorts how many TCP/UDP ports the user may hold, reserved or used by tunnels
 */
public record User(
        long id,
        String username,
        @JsonIgnore String passwordHash,
        Role role,
        boolean disabled,
        boolean mustChangePassword,
        int maxTunnels,
        int maxPorts,
        Instant createdAt) {

    @JsonIgnore
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
