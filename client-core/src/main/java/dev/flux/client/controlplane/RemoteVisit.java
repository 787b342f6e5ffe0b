package dev.flux.client.controlplane;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where to visit a secret tunnel, from {@code GET /api/v1/visits/{owner}/{name}}.
 *
 * @param type  {@code stcp}, {@code sudp} or {@code xtcp}
 * @param state {@code online} while its owner's agent serves it, else {@code offline}
 * @param node  the node to connect to
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RemoteVisit(String owner, String name, String type, String state, AgentConfiguration.Node node) {
}
