package dev.flux.client.controlplane;

/**
 * What {@code fluxctl login} saves: which control plane, and the API token for it.
 *
 * @param server    the control plane's base URL
 * @param token     the API token ({@code flx_...})
 * @param username  whose token it is, as the control plane said at login
 * @param tokenName the token's name, or null when unknown
 */
public record Credentials(String server, String token, String username, String tokenName) {

    // Records print every component; the token must never reach a log.
    @Override
    public String toString() {
        return "Credentials[server=" + server + ", token=<redacted>, username=" + username + ", tokenName="
                + tokenName + "]";
    }
}
