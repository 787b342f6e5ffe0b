package dev.flux.protocol.control;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link ControlMessage} as one length-prefixed JSON frame (see {@link ControlFrameDecoder} for the
 * layout).
 */
@Sharable
public final class ControlFrameEncoder extends MessageToByteEncoder<ControlMessage> {

    public static final ControlFrameEncoder INSTANCE = new ControlFrameEncoder();

    private ControlFrameEncoder() {
        super(ControlMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ControlMessage msg, ByteBuf out) {
        byte[] json = ControlJson.write(msg);
        if (json.length > ControlFrameDecoder.DEFAULT_MAX_FRAME_LENGTH) {
            throw new ControlProtocolException("control frame length (" + json.length
                    + ") exceeds the allowed maximum (" + ControlFrameDecoder.DEFAULT_MAX_FRAME_LENGTH + ")");
        }
        out.writeInt(json.length);
        out.writeBytes(json);
    }
}
