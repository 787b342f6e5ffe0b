package dev.flux.client;

/**
 * The health of one local service as its checks find it: healthy until {@code failureThreshold} checks in a row
 * fail, then unhealthy until one succeeds. Not thread-safe; the agent's event loop owns it.
 */
final class HealthState {

    /** What a check result changed. */
    enum Change { NONE, BECAME_UNHEALTHY, BECAME_HEALTHY }

    private final int failureThreshold;
    private int failuresInARow;
    private boolean healthy = true;

    HealthState(int failureThreshold) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold: " + failureThreshold + " (expected: >= 1)");
        }
        this.failureThreshold = failureThreshold;
    }

    boolean healthy() {
        return healthy;
    }

    int failuresInARow() {
        return failuresInARow;
    }

    Change success() {
        failuresInARow = 0;
        if (healthy) {
            return Change.NONE;
        }
        healthy = true;
        return Change.BECAME_HEALTHY;
    }

    Change failure() {
        failuresInARow++;
        if (healthy && failuresInARow >= failureThreshold) {
            healthy = false;
            return Change.BECAME_UNHEALTHY;
        }
        return Change.NONE;
    }
}
