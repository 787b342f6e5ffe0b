package dev.flux.client.controlplane;

import java.util.List;

/** Who a token belongs to ({@code GET /api/v1/me}). */
public record Me(String username, String role, long tokenId, List<String> scopes) {

    public Me {
        scopes = List.copyOf(scopes);
    }
}
