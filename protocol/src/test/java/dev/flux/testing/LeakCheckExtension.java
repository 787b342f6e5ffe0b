package dev.flux.testing;

import dev.flux.testing.FailingLeakDetector.Leak;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails a test when Netty reports a leaked buffer (or other tracked resource) after it.
 *
 * <p>Registered for every Jupiter test in every module through {@code META-INF/services} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}; both live in
 * the protocol test jar, which every module has on its test class path. It runs after the test's
 * {@code @AfterEach} methods, and after each class's {@code @AfterAll} methods to catch leaks of class-level
 * fixtures.
 *
 * <p>Netty reports a leak only once the leaked object has been garbage-collected <em>and</em> a new object of its
 * type is tracked. So a check collects garbage, waits until the JVM's reference handler has enqueued everything
 * that collection found, and allocates and releases buffers so that Netty's {@code ByteBuf} detector drains its
 * reference queue (at PARANOID level every allocation does). That costs one full GC (20 to 50 ms on a test heap).
 * It is skipped after a test during which Netty tracked nothing (so nothing can have been reported), and after a
 * class when Netty has tracked nothing at all in this JVM.
 *
 * <p>A leak can surface one check late (an object still reachable during the check, e.g. from an event loop's
 * pending task, and dropped later); the failure then names the test where it surfaced, and the leak record says
 * where the object was created and last touched. Tests in one JVM must not run in parallel, or leaks are
 * attributed to whichever test checks first.
 */
public final class LeakCheckExtension implements AfterEachCallback, AfterAllCallback {

    private static final Logger log = LoggerFactory.getLogger(LeakCheckExtension.class);

    private static final String DETECTOR_PROPERTY = "io.netty.customResourceLeakDetector";
    private static final String LEVEL_PROPERTY = "io.netty.leakDetection.level";

    /** Bounds each wait when the JVM ignores {@code System.gc()} (e.g. {@code -XX:+DisableExplicitGC}). */
    private static final long REFERENCE_PROCESSING_TIMEOUT_MILLIS = 200;

    /** {@link FailingLeakDetector#trackedObjects()} when the last check started. */
    private static final AtomicLong trackedAtLastCheck = new AtomicLong();

    static {
        // Runs from an IDE without the pom's argLine: install the detector ourselves. This works as long as no
        // Netty buffer was created before the first test, which is the case when this extension is autodetected.
        setIfAbsent(DETECTOR_PROPERTY, FailingLeakDetector.class.getName());
        setIfAbsent(LEVEL_PROPERTY, "paranoid");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (FailingLeakDetector.trackedObjects() == trackedAtLastCheck.get()) {
            return; // nothing tracked, so nothing reported, since the last check
        }
        failOnLeaks("test " + context.getDisplayName() + " [" + context.getUniqueId() + "]");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (FailingLeakDetector.trackedObjects() == 0) {
            requireDetectorInstalled(); // nothing tracked in this JVM yet, so nothing can leak
            return;
        }
        failOnLeaks("the @AfterAll phase of " + context.getDisplayName() + " [" + context.getUniqueId() + "]");
    }

    /**
     * Collects garbage, makes Netty report every leaked {@code ByteBuf} it can now see, and returns (and forgets)
     * every leak reported since the previous call, by this check or by any allocation in between.
     *
     * @throws IllegalStateException if Netty is not using {@link FailingLeakDetector} for buffers, so leaks would
     *     pass unnoticed
     */
    public static List<Leak> detectLeaks() {
        long start = System.nanoTime();
        trackedAtLastCheck.set(FailingLeakDetector.trackedObjects());
        FailingLeakDetector.withoutCounting(() -> {
            ReferenceHandlerBarrier barrier = ReferenceHandlerBarrier.collectGarbage();
            pollBufferLeakDetector();
            if (!barrier.awaitBatchEnqueued()) {
                // Could not observe the reference handler: a second collection puts a later batch behind ours.
                ReferenceHandlerBarrier.collectGarbage();
            }
            pollBufferLeakDetector();
        });
        requireDetectorInstalled();
        List<Leak> leaks = FailingLeakDetector.drainLeaks();
        log.debug("leak check took {} ms and found {} leak(s)",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), leaks.size());
        return leaks;
    }

    private static void requireDetectorInstalled() {
        if (!FailingLeakDetector.isInstalledFor(ByteBuf.class)) {
            FailingLeakDetector.withoutCounting(LeakCheckExtension::pollBufferLeakDetector); // creates the detector
        }
        if (!FailingLeakDetector.isInstalledFor(ByteBuf.class)) {
            String detector = FailingLeakDetector.class.getName();
            throw new IllegalStateException("Netty's ByteBuf leak detector is not " + detector
                    + ", so leaks cannot fail tests. Run tests with -D" + DETECTOR_PROPERTY + "=" + detector
                    + " (the root pom's flux.test.argLine does) and the system class loader (surefire's default).");
        }
    }

    private static void failOnLeaks(String where) {
        List<Leak> leaks = detectLeaks();
        if (leaks.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder()
                .append("Netty reported ").append(leaks.size()).append(" leaked resource(s) after ").append(where)
                .append(". A leak can surface one check late: the records below say where each object was created"
                        + " and last accessed.");
        for (Leak leak : leaks) {
            message.append(System.lineSeparator()).append(leak);
        }
        throw new AssertionError(message.toString());
    }

    /**
     * Every allocator wraps the buffers it tracks with the one detector in {@code AbstractByteBuf}; tracking a new
     * buffer makes it poll its reference queue and report what it finds there. Direct buffers, because the
     * unpooled allocator does not track heap buffers (the GC reclaims them anyway). One from the unpooled
     * allocator and one from the default (pooled) one, released at once, so the check itself leaks nothing.
     */
    private static void pollBufferLeakDetector() {
        Unpooled.directBuffer(1).release();
        ByteBufAllocator.DEFAULT.directBuffer(1).release();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * Knows when the JVM has enqueued every phantom reference a {@code System.gc()} found, Netty's included.
     *
     * <p>The collector hands its cleared references to the "Reference Handler" thread as one batch, which that
     * thread enqueues one by one. Dequeuing a sentinel reference from the batch proves the batch was picked up;
     * seeing the thread back in {@code Reference.waitForReferencePendingList} afterwards proves it was finished.
     */
    private static final class ReferenceHandlerBarrier {

        private static final Thread HANDLER = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("Reference Handler"))
                .findFirst()
                .orElse(null);

        private final boolean sentinelEnqueued;

        private ReferenceHandlerBarrier(boolean sentinelEnqueued) {
            this.sentinelEnqueued = sentinelEnqueued;
        }

        static ReferenceHandlerBarrier collectGarbage() {
            ReferenceQueue<Object> queue = new ReferenceQueue<>();
            PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), queue);
            System.gc();
            try {
                return new ReferenceHandlerBarrier(queue.remove(REFERENCE_PROCESSING_TIMEOUT_MILLIS) != null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ReferenceHandlerBarrier(false);
            } finally {
                // The reference object itself must stay reachable until it is enqueued.
                Reference.reachabilityFence(sentinel);
            }
        }

        /** Whether the whole batch of the collection is now enqueued; false if that could not be observed. */
        boolean awaitBatchEnqueued() {
            if (!sentinelEnqueued || HANDLER == null) {
                return false;
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFERENCE_PROCESSING_TIMEOUT_MILLIS);
            do {
                StackTraceElement[] stack = HANDLER.getStackTrace();
                if (stack.length > 0 && stack[0].getMethodName().equals("waitForReferencePendingList")) {
                    return true;
                }
                Thread.yield();
            } while (System.nanoTime() - deadline < 0);
            return false;
        }
    }
}
