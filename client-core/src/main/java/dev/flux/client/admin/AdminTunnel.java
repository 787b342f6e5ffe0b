package dev.flux.client.admin;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One tunnel in {@code GET /api/status}.
 *
 * @param state     {@code connecting}, {@code ready}, {@code rejected}, {@code reconnecting} or
 *                  {@code unhealthy} (the health check fails; {@code error} says how)
 * @param publicUrl null until known
 * @param error     why the tunnel is not ready; left out when there is nothing to say
 */
public record AdminTunnel(String name, String type, String state, String publicUrl, String localTarget,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
}
