package dev.flux.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.THROWABLE;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.flux.testing.FailingLeakDetector.Leak;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Proves that a leaked buffer fails the test that leaked it. The deliberate leaks happen in checks that consume
 * their own reports, so this class's own tests pass and the build stays green.
 */
class LeakCheckExtensionTest {

    /** Configuration parameter that enables {@link DeliberatelyLeakingTests}; only the nested launcher sets it. */
    static final String DEMO_PARAMETER = "dev.flux.testing.leak-demo";

    @Test
    void detectsABufferThatWasNeverReleased() {
        String marker = "deliberate leak " + UUID.randomUUID();
        leak(Unpooled.directBuffer(16), marker);

        List<Leak> leaks = LeakCheckExtension.detectLeaks();

        assertThat(leaks).as("leaks reported by the check").anySatisfy(leak -> {
            assertThat(leak.resourceType()).isEqualTo("ByteBuf");
            assertThat(leak.records()).contains(marker).contains(getClass().getName());
        });
    }

    @Test
    void detectsALeakedPooledBuffer() {
        String marker = "deliberate pooled leak " + UUID.randomUUID();
        leak(ByteBufAllocator.DEFAULT.heapBuffer(16), marker);

        assertThat(LeakCheckExtension.detectLeaks()).anySatisfy(leak -> assertThat(leak.records()).contains(marker));
    }

    @Test
    void reportsNothingWhenEveryBufferIsReleased() {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(16).touch("released properly");
        buf.writeInt(42);
        buf.release();

        assertThat(LeakCheckExtension.detectLeaks()).isEmpty();
    }

    /** Runs {@link DeliberatelyLeakingTests} through a separate JUnit launcher, as surefire would. */
    @Test
    void theAutodetectedExtensionFailsATestThatLeaks() {
        Map<String, TestExecutionResult> results = new ConcurrentHashMap<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.isTest()) {
                    results.put(test.getDisplayName(), result);
                }
            }
        };

        LauncherFactory.create().execute(
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(DeliberatelyLeakingTests.class))
                        .filters(EngineFilter.includeEngines("junit-jupiter"))
                        .configurationParameter(DEMO_PARAMETER, "true")
                        .build(),
                listener);

        assertThat(results).containsOnlyKeys("leaksABuffer()", "releasesItsBuffer()");
        assertThat(results.get("releasesItsBuffer()").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        TestExecutionResult leaking = results.get("leaksABuffer()");
        assertThat(leaking.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(leaking.getThrowable()).get(THROWABLE)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Netty reported 1 leaked resource(s) after test leaksABuffer()")
                .hasMessageContaining("LEAK: ByteBuf.release() was not called")
                .hasMessageContaining(DeliberatelyLeakingTests.MARKER);
    }

    /** Keeps the buffer out of the caller's frame, so nothing but the leak detector refers to it on return. */
    private static void leak(ByteBuf buf, String marker) {
        buf.touch(marker).writeInt(1);
    }

    /**
     * Run only by {@link #theAutodetectedExtensionFailsATestThatLeaks()}: surefire skips nested classes, and the
     * condition disables it anywhere else (an IDE running the package).
     */
    @ExtendWith(OnlyInLeakDemo.class)
    static class DeliberatelyLeakingTests {

        static final String MARKER = "leaked on purpose by DeliberatelyLeakingTests " + UUID.randomUUID();

        @Test
        void leaksABuffer() {
            leak(Unpooled.directBuffer(8), MARKER);
        }

        @Test
        void releasesItsBuffer() {
            ByteBuf buf = Unpooled.directBuffer(8);
            buf.writeLong(7);
            buf.release();
        }
    }

    static final class OnlyInLeakDemo implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(DEMO_PARAMETER).map(Boolean::parseBoolean).orElse(false)
                    ? ConditionEvaluationResult.enabled("leak demo requested")
                    : ConditionEvaluationResult.disabled("runs only inside LeakCheckExtensionTest");
        }
    }
}
