package dev.flux.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Netty's leak detector for tests: every leak Netty reports is logged as usual <em>and</em> kept here, so that
 * {@link LeakCheckExtension} can fail the test during which it surfaced.
 *
 * <p>Installed for every test JVM by the root pom's {@code flux.test.argLine}
 * ({@code -Dio.netty.customResourceLeakDetector=dev.flux.testing.FailingLeakDetector}). Netty's
 * {@code ResourceLeakDetectorFactory} loads the class through the system class loader and creates one instance per
 * tracked resource type ({@code ByteBuf}, {@code HashedWheelTimer}, ...) through a public constructor found
 * reflectively: {@code (Class<?>, int, long)} when the class declares it, else {@code (Class<?>, int)}. It looks
 * up the three-argument one first and logs an ERROR with a stack trace when it is missing, so both exist here.
 *
 * <p>Netty reports a leak only when a tracked object of the same type is created after the leaked one was
 * garbage-collected; {@link LeakCheckExtension} makes that happen after each test. Netty also reports each
 * distinct leak record once per JVM, so the same leak (same stack traces) repeated by a later test is not reported
 * again: the first report already fails the build.
 *
 * @param <T> the tracked resource type
 */
public class FailingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final Queue<Leak> LEAKS = new ConcurrentLinkedQueue<>();
    private static final Set<String> TRACKED_TYPES = ConcurrentHashMap.newKeySet();
    private static final LongAdder TRACKED_OBJECTS = new LongAdder();
    /** The thread running a leak check: the buffers it allocates to poll the detector are not counted. */
    private static volatile Thread checkingThread;

    /** Called reflectively by Netty's {@code ResourceLeakDetectorFactory}. */
    public FailingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        TRACKED_TYPES.add(resourceType.getName());
    }

    /**
     * Called reflectively by Netty's {@code ResourceLeakDetectorFactory}, which prefers this legacy signature.
     *
     * @param maxActive ignored, as Netty's own detector ignores it
     */
    public FailingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    @Override
    public ResourceLeakTracker<T> track(T obj) {
        count();
        return super.track(obj);
    }

    @Override
    public ResourceLeakTracker<T> trackForcibly(T obj) {
        count();
        return super.trackForcibly(obj);
    }

    private static void count() {
        if (Thread.currentThread() != checkingThread) {
            TRACKED_OBJECTS.increment();
        }
    }

    /**
     * Always report: Netty's default skips (and silently drops) leaks when its logger has ERROR disabled, and a
     * test logging configuration must not be able to switch leak detection off.
     */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(new Leak(resourceType, records));
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(new Leak(resourceType, ""));
        super.reportUntracedLeak(resourceType);
    }

    /** Removes and returns every leak reported since the previous call, oldest first. */
    public static List<Leak> drainLeaks() {
        List<Leak> drained = new ArrayList<>();
        for (Leak leak; (leak = LEAKS.poll()) != null; ) {
            drained.add(leak);
        }
        return drained;
    }

    /**
     * How many objects (of any type) Netty has asked to track so far, not counting those created by
     * {@link #withoutCounting(Runnable)}. Netty reports leaks only while tracking a new object, so no leak can
     * have been reported while this number stays the same.
     */
    public static long trackedObjects() {
        return TRACKED_OBJECTS.sum();
    }

    /** Runs the allocations of a leak check without counting them in {@link #trackedObjects()}. */
    static void withoutCounting(Runnable allocations) {
        checkingThread = Thread.currentThread();
        try {
            allocations.run();
        } finally {
            checkingThread = null;
        }
    }

    /** Whether Netty created this detector (rather than its own) for the given resource type. */
    public static boolean isInstalledFor(Class<?> resourceType) {
        return TRACKED_TYPES.contains(resourceType.getName());
    }

    /**
     * One leak as Netty reported it.
     *
     * @param resourceType the simple name of the leaked type, e.g. {@code ByteBuf}
     * @param records Netty's access records, ending with where the object was created; empty when the detection
     *     level (below ADVANCED) kept no records
     */
    public record Leak(String resourceType, String records) {

        @Override
        public String toString() {
            return "LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
                    + (records.isEmpty()
                            ? " (no access records: run with -Dio.netty.leakDetection.level=paranoid)"
                            : records);
        }
    }
}
