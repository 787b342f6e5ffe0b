package dev.flux.protocol.stream;

/**
 * How a UDP tunnel's datagrams travel on a byte stream: each datagram is one frame, so datagram boundaries survive
 * the stream.
 *
 * <pre>
 * +-----------------+-----------------------------+-----------------+----
 * | length: uint16  | payload (length bytes)      | length: uint16  | ...
 * +-----------------+-----------------------------+-----------------+----
 *   big-endian        one datagram, 0..65,507 B
 * </pre>
 *
 * A length of 0 is an empty datagram. A length above {@link #MAX_DATAGRAM_LENGTH} is a protocol violation
 * ({@link DatagramFramingException}): no UDP socket on the tunnel's path could have sent or received it.
 *
 * @see DatagramFrameEncoder
 * @see DatagramFrameDecoder
 */
public final class DatagramFraming {

    /** Bytes of the length prefix. */
    public static final int LENGTH_FIELD_LENGTH = 2;
    /** The largest UDP payload over IPv4: 65,535 minus the 20-byte IP header and the 8-byte UDP header. */
    public static final int MAX_DATAGRAM_LENGTH = 65_507;

    private DatagramFraming() {
    }
}
