package dev.flux.protocol.stream;

/**
 * User event fired on a stream channel's pipeline when the peer ended its side of the stream (END_STREAM): the
 * byte-stream equivalent of a TCP FIN.
 */
public final class StreamEnded {

    public static final StreamEnded INSTANCE = new StreamEnded();

    private StreamEnded() {
    }

    @Override
    public String toString() {
        return "StreamEnded";
    }
}
