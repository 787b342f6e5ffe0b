package dev.flux.protocol.control;

/**
 * Agent → node, first message on the control stream.
 *
 * @param token    the agent's token, sent only inside TLS
 * @param runId    random id of this agent process; a node that still holds a session with the same token and
 *                 run id (a half-open connection after a network change) drops the old session first
 * @param version  product version of the agent, for logs
 * @param hostname the agent's host name, for logs
 */
public record Login(String token, String runId, String version, String hostname) implements ControlMessage {

    @Override
    public String toString() {
        // never print the token
        return "Login[runId=" + runId + ", version=" + version + ", hostname=" + hostname + "]";
    }
}
