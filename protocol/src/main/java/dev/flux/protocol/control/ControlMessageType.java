package dev.flux.protocol.control;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The wire name and version of every control message. */
public enum ControlMessageType {
    LOGIN(Login.class, 1),
    LOGIN_ACCEPTED(LoginAccepted.class, 1),
    LOGIN_REJECTED(LoginRejected.class, 1),
    REGISTER_TUNNEL(RegisterTunnel.class, 1),
    TUNNEL_READY(TunnelReady.class, 1),
    TUNNEL_REJECTED(TunnelRejected.class, 1),
    UNREGISTER_TUNNEL(UnregisterTunnel.class, 1),
    TUNNEL_CLOSED(TunnelClosed.class, 1),
    OPEN_VISIT(OpenVisit.class, 1),
    VISIT_REJECTED(VisitRejected.class, 1),
    PEER_CONNECT(PeerConnect.class, 1),
    PEER_SESSION(PeerSession.class, 1),
    PEER_CANDIDATES(PeerCandidates.class, 1),
    PEER_REJECTED(PeerRejected.class, 1);

    private static final Map<String, ControlMessageType> BY_WIRE_NAME = new HashMap<>();
    private static final Map<Class<?>, ControlMessageType> BY_CLASS = new HashMap<>();

    static {
        for (ControlMessageType t : values()) {
            BY_WIRE_NAME.put(t.wireName, t);
            BY_CLASS.put(t.messageClass, t);
        }
    }

    private final Class<? extends ControlMessage> messageClass;
    private final int version;
    private final String wireName;

    ControlMessageType(Class<? extends ControlMessage> messageClass, int version) {
        this.messageClass = messageClass;
        this.version = version;
        this.wireName = name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public Class<? extends ControlMessage> messageClass() {
        return messageClass;
    }

    /** The highest version of this message this build understands and writes. */
    public int version() {
        return version;
    }

    /** The name in the {@code type} field, e.g. {@code register-tunnel}. */
    public String wireName() {
        return wireName;
    }

    /** Returns the type for a wire name, or null when this build does not know it. */
    static ControlMessageType forWireName(String wireName) {
        return BY_WIRE_NAME.get(wireName);
    }

    static ControlMessageType of(ControlMessage message) {
        return BY_CLASS.get(message.getClass());
    }
}
