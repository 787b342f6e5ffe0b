package dev.flux.protocol.e2e;

import dev.flux.protocol.stream.StreamEnded;
import dev.flux.protocol.stream.StreamFrameAdapter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end encryption of one secret tunnel stream between a visitor and the tunnel's owner; the node between
 * them relays these bytes and cannot read them. Sits right after the stream's {@code StreamFrameAdapter}: below it
 * ciphertext, above it plaintext {@code ByteBuf}s.
 *
 * <p>Handshake (both ends send their hello at once):
 * <pre>
 * visitor → owner   hello   = "FE2" 0x01 | visitor nonce (32 random bytes)
 * owner → visitor   hello   = "FE2" 0x01 | owner nonce (32 random bytes)
 *                   both derive {@link SecretKeys} from the secret and the two nonces
 * visitor → owner   proof   = HMAC-SHA256(auth, "flux-e2e/1 proof VISITOR")           32 bytes
 * owner → visitor   verdict = 0x00 | HMAC-SHA256(auth, "flux-e2e/1 proof OWNER")      33 bytes
 *                          or 0x01 (wrong secret), and the owner closes the stream
 * then records in both directions, see {@link RecordCipher}
 * </pre>
 * The visitor proves first, so someone guessing secrets learns nothing but "wrong" from the owner; the owner proves
 * itself second, so a visitor never sends data to an end that does not hold the secret. Either failure is a
 * {@link WrongSecretException} ("wrong secret for tunnel X") on that end. When the handshake succeeds the handler
 * fires {@link E2eHandshakeCompleted}; writes before that fail.
 *
 * <p>Ending: an outbound END_STREAM ({@code StreamFrameAdapter.endStream}) is preceded by an {@code end} record;
 * an inbound {@code StreamEnded} is passed on only after the peer's {@code end} record, otherwise the stream was cut
 * short and an {@link E2eException} is raised instead. An {@code error} record from the peer is raised as an
 * {@link E2eException} carrying its text.
 */
public final class SecretStreamHandler extends ChannelDuplexHandler {

    static final byte[] MAGIC = {'F', 'E', '2', 1};
    static final int HELLO_LENGTH = MAGIC.length + SecretKeys.NONCE_LENGTH;
    static final int PROOF_LENGTH = 32;
    static final byte VERDICT_ACCEPTED = 0;
    static final byte VERDICT_WRONG_SECRET = 1;
    /** How long the handshake may take before the stream is given up. */
    public static final long HANDSHAKE_TIMEOUT_SECONDS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { HELLO, PROOF, VERDICT, OPEN, ENDED, FAILED }

    private final E2eRole role;
    private final String secret;
    private final String tunnel;
    private final byte[] nonce = new byte[SecretKeys.NONCE_LENGTH];
    private State state = State.HELLO;
    private SecretKeys keys;
    private RecordCipher sealer;
    private RecordCipher opener;
    private ByteBuf cumulation;
    private ScheduledFuture<?> timeout;
    private boolean outputEnded;
    /** Plaintext written since the last flush, sealed at the flush; at most about {@link #MAX_UNSEALED} bytes. */
    private final List<ByteBuf> unsealed = new ArrayList<>();
    private final List<ChannelPromise> unsealedPromises = new ArrayList<>();
    private int unsealedBytes;
    static final int MAX_UNSEALED = 256 * 1024;

    /**
     * @param tunnel the tunnel's name: bound into the keys, and named in errors
     */
    public SecretStreamHandler(E2eRole role, String secret, String tunnel) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("secret: empty (expected: the tunnel's secretKey)");
        }
        this.role = role;
        this.secret = secret;
        this.tunnel = tunnel;
        RANDOM.nextBytes(nonce);
    }

    /** True once the handshake succeeded, until this end failed or ended its output: plaintext may be written. */
    public boolean writable() {
        return sealer != null && state != State.FAILED && !outputEnded;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (timeout != null) {
            return;
        }
        timeout = ctx.executor().schedule(() -> {
            if (state.ordinal() < State.OPEN.ordinal()) {
                fail(ctx, new E2eException("the end-to-end handshake for tunnel " + tunnel + " did not finish within "
                        + HANDSHAKE_TIMEOUT_SECONDS + " s"));
            }
        }, HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ByteBuf hello = ctx.alloc().buffer(HELLO_LENGTH).writeBytes(MAGIC).writeBytes(nonce);
        ctx.writeAndFlush(hello);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.FAILED || state == State.ENDED) {
            in.release();
            if (state == State.ENDED) {
                fail(ctx, new E2eException("bytes after the end record on the stream of tunnel " + tunnel));
            }
            return;
        }
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        try {
            decode(ctx);
            if (state == State.ENDED && cumulation != null && cumulation.isReadable()) {
                throw new E2eException("bytes after the end record on the stream of tunnel " + tunnel);
            }
        } catch (E2eException e) {
            fail(ctx, e);
        } finally {
            if (cumulation != null && !cumulation.isReadable()) {
                cumulation.release();
                cumulation = null;
            }
        }
    }

    private void decode(ChannelHandlerContext ctx) {
        while (cumulation != null && state != State.FAILED && state != State.ENDED) {
            switch (state) {
                case HELLO -> {
                    if (cumulation.readableBytes() < HELLO_LENGTH) {
                        return;
                    }
                    for (byte b : MAGIC) {
                        if (cumulation.readByte() != b) {
                            throw new E2eException("the peer on the stream of tunnel " + tunnel
                                    + " does not speak flux-e2e/1 (bad hello)");
                        }
                    }
                    byte[] peerNonce = new byte[SecretKeys.NONCE_LENGTH];
                    cumulation.readBytes(peerNonce);
                    keys = role == E2eRole.VISITOR ? SecretKeys.derive(secret, tunnel, nonce, peerNonce)
                            : SecretKeys.derive(secret, tunnel, peerNonce, nonce);
                    if (role == E2eRole.VISITOR) {
                        ctx.writeAndFlush(ctx.alloc().buffer(PROOF_LENGTH).writeBytes(keys.proof(E2eRole.VISITOR)));
                        state = State.VERDICT;
                    } else {
                        state = State.PROOF;
                    }
                }
                case PROOF -> {
                    if (cumulation.readableBytes() < PROOF_LENGTH) {
                        return;
                    }
                    byte[] proof = new byte[PROOF_LENGTH];
                    cumulation.readBytes(proof);
                    if (!keys.verify(E2eRole.VISITOR, proof)) {
                        state = State.FAILED;
                        // ended, not reset: a reset would drop the verdict if it still waits for flow-control credit
                        ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(VERDICT_WRONG_SECRET));
                        StreamFrameAdapter.endStream(ctx.channel()).addListener(f -> ctx.close());
                        raise(ctx, new WrongSecretException(tunnel));
                        return;
                    }
                    ctx.writeAndFlush(ctx.alloc().buffer(1 + PROOF_LENGTH).writeByte(VERDICT_ACCEPTED)
                            .writeBytes(keys.proof(E2eRole.OWNER)));
                    opened(ctx);
                }
                case VERDICT -> {
                    if (!cumulation.isReadable()) {
                        return;
                    }
                    byte verdict = cumulation.getByte(cumulation.readerIndex());
                    if (verdict == VERDICT_WRONG_SECRET) {
                        throw new WrongSecretException(tunnel);
                    }
                    if (verdict != VERDICT_ACCEPTED) {
                        throw new E2eException("unknown handshake verdict (" + verdict + ") on the stream of tunnel "
                                + tunnel);
                    }
                    if (cumulation.readableBytes() < 1 + PROOF_LENGTH) {
                        return;
                    }
                    cumulation.skipBytes(1);
                    byte[] proof = new byte[PROOF_LENGTH];
                    cumulation.readBytes(proof);
                    if (!keys.verify(E2eRole.OWNER, proof)) {
                        // the owner accepted our proof but cannot prove itself: not the owner we meant
                        throw new WrongSecretException(tunnel);
                    }
                    opened(ctx);
                }
                case OPEN -> {
                    if (cumulation.readableBytes() < RecordCipher.HEADER_LENGTH) {
                        return;
                    }
                    int length = cumulation.getUnsignedShort(cumulation.readerIndex());
                    RecordCipher.checkLength(length);
                    if (cumulation.readableBytes() < RecordCipher.HEADER_LENGTH + length) {
                        return;
                    }
                    record(ctx, opener.open(ctx.alloc(), cumulation));
                }
                default -> {
                    return;
                }
            }
        }
    }

    private void opened(ChannelHandlerContext ctx) {
        state = State.OPEN;
        sealer = RecordCipher.sealing(keys, role);
        opener = RecordCipher.opening(keys, role == E2eRole.VISITOR ? E2eRole.OWNER : E2eRole.VISITOR);
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.fireUserEventTriggered(E2eHandshakeCompleted.INSTANCE);
    }

    private void record(ChannelHandlerContext ctx, ByteBuf plaintext) {
        byte type = plaintext.readByte();
        switch (type) {
            case RecordCipher.DATA -> {
                if (plaintext.isReadable()) {
                    ctx.fireChannelRead(plaintext);
                } else {
                    plaintext.release();
                }
            }
            case RecordCipher.END -> {
                plaintext.release();
                state = State.ENDED;
            }
            case RecordCipher.ERROR -> {
                String reason = plaintext.toString(StandardCharsets.UTF_8);
                plaintext.release();
                throw new E2eException(reason);
            }
            default -> {
                plaintext.release();
                throw new E2eException("unknown record type (" + type + ") on the stream of tunnel " + tunnel);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StreamEnded) {
            if (state == State.ENDED) {
                ctx.fireUserEventTriggered(evt);
            } else if (state != State.FAILED) {
                fail(ctx, new E2eException(state == State.OPEN
                        ? "the stream of tunnel " + tunnel + " was cut short (it ended without an end record)"
                        : "the stream of tunnel " + tunnel + " ended during the end-to-end handshake"));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf plain) {
            if (!writable()) {
                plain.release();
                promise.setFailure(new IllegalStateException("the stream of tunnel " + tunnel
                        + " is not open for data (" + (outputEnded ? "ended" : state) + ")"));
                return;
            }
            // sealed at the next flush, all together: full records, and one DATA write per flush instead of one
            // per buffer (HTTP/2 would join those into a composite whose frames TLS then copies through the heap)
            unsealed.add(plain);
            unsealedBytes += plain.readableBytes();
            if (!promise.isVoid()) {
                unsealedPromises.add(promise);
            }
            if (unsealedBytes >= MAX_UNSEALED) {
                sealUnsealed(ctx);
            }
            return;
        }
        sealUnsealed(ctx);
        if (msg instanceof Http2DataFrame frame && frame.isEndStream() && writable()) {
            try {
                if (frame.content().isReadable()) {
                    ctx.write(sealer.seal(ctx.alloc(), RecordCipher.DATA, frame.content()));
                }
            } finally {
                frame.release();
            }
            outputEnded = true;
            ctx.write(sealer.seal(ctx.alloc(), RecordCipher.END, Unpooled.EMPTY_BUFFER));
            ctx.write(new DefaultHttp2DataFrame(true), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        sealUnsealed(ctx);
        ctx.flush();
    }

    /** Seals what was written since the last flush into records and writes them as one buffer. */
    private void sealUnsealed(ChannelHandlerContext ctx) {
        if (unsealed.isEmpty()) {
            return;
        }
        if (!writable()) {
            dropUnsealed();
            return;
        }
        ChannelPromise promise = unsealedPromises.isEmpty() ? ctx.voidPromise() : ctx.newPromise();
        if (!unsealedPromises.isEmpty()) {
            ChannelPromise[] waiting = unsealedPromises.toArray(new ChannelPromise[0]);
            promise.addListener(f -> {
                for (ChannelPromise p : waiting) {
                    if (f.isSuccess()) {
                        p.trySuccess();
                    } else {
                        p.tryFailure(f.cause());
                    }
                }
            });
        }
        ByteBuf sealed;
        try {
            sealed = sealer.seal(ctx.alloc(), RecordCipher.DATA, unsealed, unsealedBytes);
        } catch (RuntimeException e) {
            promise.tryFailure(e);
            throw e;
        } finally {
            releaseUnsealed();
        }
        ctx.write(sealed, promise);
    }

    private void releaseUnsealed() {
        for (ByteBuf b : unsealed) {
            b.release();
        }
        unsealed.clear();
        unsealedPromises.clear();
        unsealedBytes = 0;
    }

    /**
     * Sends the peer an {@code error} record with {@code reason} (it raises it as an {@link E2eException}) and ends
     * the stream. Only once the handshake succeeded; otherwise the stream is just closed.
     */
    public static void sendError(Channel stream, String reason) {
        SecretStreamHandler h = stream.pipeline().get(SecretStreamHandler.class);
        if (h == null || !h.writable()) {
            stream.close();
            return;
        }
        ChannelHandlerContext ctx = stream.pipeline().context(h);
        h.sealUnsealed(ctx);
        ByteBuf text = ctx.alloc().buffer().writeBytes(reason.getBytes(StandardCharsets.UTF_8));
        try {
            ctx.write(h.sealer.seal(ctx.alloc(), RecordCipher.ERROR, text));
        } finally {
            text.release();
        }
        h.outputEnded = true;
        ctx.flush();
        StreamFrameAdapter.endStream(stream).addListener(f -> stream.close());
    }

    private void fail(ChannelHandlerContext ctx, E2eException e) {
        if (state == State.FAILED) {
            return;
        }
        state = State.FAILED;
        raise(ctx, e);
        ctx.close();
    }

    private void raise(ChannelHandlerContext ctx, E2eException e) {
        ctx.fireExceptionCaught(e);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cleanup();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cleanup();
        ctx.fireChannelInactive();
    }

    /** Releases what waits to be sealed and fails its writes: the stream failed or closed before the flush. */
    private void dropUnsealed() {
        ChannelPromise[] waiting = unsealedPromises.toArray(new ChannelPromise[0]);
        releaseUnsealed();
        for (ChannelPromise p : waiting) {
            p.tryFailure(new IllegalStateException("the stream of tunnel " + tunnel + " failed or closed before the "
                    + "data was flushed"));
        }
    }

    private void cleanup() {
        dropUnsealed();
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (cumulation != null) {
            ReferenceCountUtil.release(cumulation);
            cumulation = null;
        }
    }
}
