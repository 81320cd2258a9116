package io.scorelab.runtime.run;

import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The shutdown hook that ends a run KILLED when the JVM stops (Ctrl-C, SIGTERM from a sweep).
 * It is registered before the run is created: a signal that arrives while the tracker is still
 * creating the run waits for it (up to {@link #CREATION_WAIT_SECONDS}) and then ends it, so no run
 * is left RUNNING because the signal came a moment too early.
 */
final class KilledRunHook extends Thread {
    /** How long the hook waits for a run still being created (a tracking server may be slow). */
    static final long CREATION_WAIT_SECONDS = 10;

    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile TrackedRun run;

    KilledRunHook() {
        super("scorelab-run-killed");
    }

    /** @param created the run, now created: the hook ends it if the JVM stops */
    void created(TrackedRun created) {
        run = created;
        settled.countDown();
    }

    /** The run could not be created: the hook has nothing to end. */
    void notCreated() {
        settled.countDown();
    }

    @Override
    public void run() {
        try {
            settled.await(CREATION_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TrackedRun created = run;
        if (created != null) {
            created.end(RunStatus.KILLED);
        }
    }
}
