package dev.flux.protocol.control;

/**
 * A message on the control stream between an agent and a node.
 *
 * <p>Every message is a record; {@link ControlMessageType} names it on the wire and gives its version.
 * Unknown fields are ignored by the decoder so that a newer peer can add fields; an unknown type is a
 * protocol error.
 */
public sealed interface ControlMessage
        permits Login, LoginAccepted, LoginRejected, RegisterTunnel, TunnelReady, TunnelRejected,
        UnregisterTunnel, TunnelClosed, OpenVisit, VisitRejected,
        PeerConnect, PeerSession, PeerCandidates, PeerRejected {
}
