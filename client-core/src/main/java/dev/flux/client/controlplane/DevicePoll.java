package dev.flux.client.controlplane;

/**
 * One answer to {@code POST /api/v1/device/token}.
 *
 * @param token    the new API token once {@link Outcome#APPROVED}, else null
 * @param username whose token it is, once approved
 */
public record DevicePoll(Outcome outcome, String token, String username) {

    /** Where the login stands. */
    public enum Outcome {
        /** Not approved yet: ask again after the interval. */
        PENDING,
        APPROVED,
        DENIED,
        /** The code expired, is unknown, or its token was already handed out. */
        EXPIRED
    }
}
