package io.scorelab.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.scorelab.runtime.tracking.LocalStoreReader;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopHookTest {
    @TempDir
    Path temp;

    @Test
    void aSignalDuringTheRunsCreationWaitsForTheRunAndEndsItKilled() throws Exception {
        LocalTracker tracker = new LocalTracker(temp.resolve("mlruns"));
        StopHook<TrackedRun> hook = new StopHook<>("test", run -> run.end(RunStatus.KILLED));
        hook.start(); // the JVM runs the hook while the tracker is still creating the run
        Thread.sleep(200);
        assertThat(hook.isAlive()).as("the hook waits for the run").isTrue();
        TrackedRun run = tracker.startRun("hooked", "r", Map.of());
        hook.created(run);
        hook.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(hook.isAlive()).isFalse();
        assertThat(status(run)).isEqualTo(RunStatus.KILLED);
    }

    @Test
    void aRunThatEndedFirstKeepsItsStatus() throws Exception {
        LocalTracker tracker = new LocalTracker(temp.resolve("mlruns"));
        StopHook<TrackedRun> hook = new StopHook<>("test", run -> run.end(RunStatus.KILLED));
        TrackedRun run = tracker.startRun("hooked", "r", Map.of());
        hook.created(run);
        run.end(RunStatus.FINISHED);
        hook.start();
        hook.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(status(run)).isEqualTo(RunStatus.FINISHED);
    }

    @Test
    void aRunThatWasNeverCreatedLeavesTheHookNothingToDo() throws Exception {
        StopHook<TrackedRun> hook = new StopHook<>("test", run -> run.end(RunStatus.KILLED));
        hook.notCreated();
        long started = System.nanoTime();
        hook.start();
        hook.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(hook.isAlive()).isFalse();
        assertThat(System.nanoTime() - started).as("no wait for a run that will not come")
                .isLessThan(TimeUnit.SECONDS.toNanos(StopHook.CREATION_WAIT_SECONDS));
    }

    private RunStatus status(TrackedRun run) {
        return new LocalStoreReader(temp.resolve("mlruns")).run(run.runId()).status();
    }
}
