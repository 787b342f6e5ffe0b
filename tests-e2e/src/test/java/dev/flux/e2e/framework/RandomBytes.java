package dev.flux.e2e.framework;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * A reproducible stream of pseudo-random bytes: the same seed and size give the same bytes, so a sender can make a
 * body of any size and a receiver can check it against {@link BodyDigest#of(InputStream) its digest} without
 * either side holding it in memory.
 */
public final class RandomBytes extends InputStream {

    private static final int BLOCK_SIZE = 8192;

    private final SplittableRandom random;
    private final long size;
    private final byte[] block = new byte[BLOCK_SIZE];
    private int blockPosition = BLOCK_SIZE;
    private long position;

    public RandomBytes(long seed, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        this.random = new SplittableRandom(seed);
        this.size = size;
    }

    /** The digest of {@code new RandomBytes(seed, size)}. */
    public static BodyDigest digest(long seed, long size) {
        return BodyDigest.of(new RandomBytes(seed, size));
    }

    /** The first {@code size} bytes for {@code seed}, for payloads small enough to hold. */
    public static byte[] bytes(long seed, int size) {
        byte[] out = new byte[size];
        int n = new RandomBytes(seed, size).read(out, 0, size);
        assert n == size || size == 0;
        return out;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (position == size) {
            return -1;
        }
        int n = (int) Math.min(len, size - position);
        int done = 0;
        while (done < n) {
            if (blockPosition == BLOCK_SIZE) {
                random.nextBytes(block);
                blockPosition = 0;
            }
            int chunk = Math.min(n - done, BLOCK_SIZE - blockPosition);
            System.arraycopy(block, blockPosition, b, off + done, chunk);
            blockPosition += chunk;
            done += chunk;
        }
        position += n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - position);
    }
}
