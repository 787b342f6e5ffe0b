package dev.flux.controlplane.node;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * A change that nodes act on (close an agent's sessions, close a tunnel), in the order of {@code seq}.
 *
 * @param kind {@code token_revoked}, {@code user_disabled}, {@code tunnel_disabled}, {@code tunnel_deleted} or
 *     {@code tunnel_kicked}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeEvent(long seq, String kind, @Nullable Long tokenId, @Nullable Long userId,
                        @Nullable Long tunnelId) {

    public static final String TOKEN_REVOKED = "token_revoked";
    public static final String USER_DISABLED = "user_disabled";
    public static final String TUNNEL_DISABLED = "tunnel_disabled";
    public static final String TUNNEL_DELETED = "tunnel_deleted";
    public static final String TUNNEL_KICKED = "tunnel_kicked";
}
