package dev.flux.controlplane.token;

/**
 * The answer to creating a token: the token and, this one time only, its secret.
 *
 * @param secret the bearer credential ({@code flx_...}); the control plane keeps only its hash
 */
public record CreatedToken(ApiToken token, String secret) {
}
