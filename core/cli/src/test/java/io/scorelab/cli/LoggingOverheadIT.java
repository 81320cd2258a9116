package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.scorelab.runtime.TestMlflow;
import io.scorelab.runtime.config.ConfigComposer;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.plugin.PluginRegistry;
import io.scorelab.runtime.run.ExperimentRun;
import io.scorelab.runtime.run.RunListener;
import io.scorelab.runtime.run.RunSummary;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.ServerTracker;
import io.scorelab.runtime.tracking.TrackedRun;
import io.scorelab.runtime.tracking.Tracker;
import io.scorelab.runtime.tracking.TrackingServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark of remote logging's cost: the quickstart's training, in one JVM, alternately with
 * logging off (a tracker that drops everything) and with logging to the real MLflow server of
 * scripts/test.sh, every 10 steps instead of the quickstart's 200. Training examples per second are
 * compared; the background shipping should make the two equal.
 */
class LoggingOverheadIT {

    private static final int ROUNDS = 4;
    private static final int STEPS = 1000;
    private static final int BATCH = 512;

    @TempDir
    Path dir;

    @Test
    void remoteLoggingDoesNotSlowTraining() {
        String uri = TestMlflow.serverUri();
        PluginRegistry registry = PluginRegistry.discover(PluginRegistry.pluginDirectories(List.of()));
        ResolvedConfig config = new ConfigComposer(registry).compose(CliRun.QUICKSTART, List.of(
                "experiment.name=overhead-" + UUID.randomUUID().toString().substring(0, 8), "trainer.steps=" + STEPS,
                "trainer.batch_size=" + BATCH, "trainer.log_every=10", "eval.samples=200",
                "output.dir=\"" + dir.resolve("outputs") + "\""));
        TimedTracker remote = new TimedTracker(new ServerTracker(TrackingServer.of(uri, Map.of()),
                ServerTracker.OnUnavailable.FAIL, dir.resolve("spool"), Duration.ofSeconds(30)));
        List<Double> off = new ArrayList<>();
        List<Double> on = new ArrayList<>();
        // Interleaved, so that drifts of the machine's speed hit both alike; the first run also warms up.
        examplesPerSecond(registry, config, new DroppingTracker());
        for (int round = 0; round < ROUNDS; round++) {
            off.add(examplesPerSecond(registry, config, new DroppingTracker()));
            on.add(examplesPerSecond(registry, config, remote));
        }
        // The fastest of each: the run least disturbed by whatever else the machine did.
        double ratio = best(on) / best(off);
        System.out.printf(Locale.ROOT, "logging overhead: examples/s off %s, remote %s; ratio of the best %.3f, of the"
                + " medians %.3f; spread of the off runs %.3f%n", off, on, ratio, median(on) / median(off),
                best(off) / worst(off));
        // The direct measure: how long the training thread spent in the tracker's calls.
        double trainingSeconds = on.stream().mapToDouble(examples -> (double) STEPS * BATCH / examples).sum();
        double share = remote.nanos / 1e9 / trainingSeconds;
        System.out.printf(Locale.ROOT, "logging overhead: the training thread spent %.1f ms in %d tracker calls"
                + " (%.1f us each) over %d remote runs, %.3f%% of their %.1f s of training%n", remote.nanos / 1e6,
                remote.calls, remote.nanos / 1e3 / remote.calls, ROUNDS, 100 * share, trainingSeconds);
        // What the code controls: training never waits on the network. Handing a record to the sender
        // costs microseconds (measured 0.06-0.12 % of training). A loopback request costs a millisecond
        // or more; one per call on the training thread (1520 calls in a run of about 9 s) would cost
        // over 10 %, so 1 % tells the two apart.
        assertThat(share).as("share of training spent in tracker calls").isLessThan(0.01);
        // The throughput ratio (the goal is 0.98) is reported, not held to 0.98: runs of the same job with
        // logging off differ by 10-40 % on a shared two-core machine (the spread printed above), and the
        // best-of ratio has measured 0.90-1.19. The bound catches a sender that takes a whole core.
        assertThat(ratio).isGreaterThan(0.75);
    }

    private static double examplesPerSecond(PluginRegistry registry, ResolvedConfig config, Tracker tracker) {
        RunSummary summary = new ExperimentRun(config, registry, tracker).execute(new RunListener() {});
        return Math.round(summary.stepsPerSecond() * BATCH * 10) / 10.0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return (sorted.get((sorted.size() - 1) / 2) + sorted.get(sorted.size() / 2)) / 2;
    }

    private static double best(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private static double worst(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /** Times the calls a run's thread makes into a tracker's runs, except the end (which flushes). */
    private static final class TimedTracker implements Tracker {
        private final Tracker inner;
        private long nanos;
        private long calls;

        TimedTracker(Tracker inner) {
            this.inner = inner;
        }

        private void timed(Runnable call) {
            long start = System.nanoTime();
            call.run();
            nanos += System.nanoTime() - start;
            calls++;
        }

        @Override
        public TrackedRun startRun(String experimentName, String runName, Map<String, String> tags) {
            return wrap(inner.startRun(experimentName, runName, tags));
        }

        @Override
        public TrackedRun startRun(String experimentName, String runName, Map<String, String> tags, Path directory) {
            return wrap(inner.startRun(experimentName, runName, tags, directory));
        }

        @Override
        public TrackedRun openRun(String runId) {
            return wrap(inner.openRun(runId));
        }

        private TrackedRun wrap(TrackedRun run) {
            return new TrackedRun() {
                @Override
                public String runId() {
                    return run.runId();
                }

                @Override
                public String experimentId() {
                    return run.experimentId();
                }

                @Override
                public void logParams(Map<String, String> params) {
                    timed(() -> run.logParams(params));
                }

                @Override
                public void logMetric(String key, double value, long step, long timestampMillis) {
                    timed(() -> run.logMetric(key, value, step, timestampMillis));
                }

                @Override
                public void setTag(String key, String value) {
                    timed(() -> run.setTag(key, value));
                }

                @Override
                public void logArtifact(Path file, String artifactDirectory) {
                    timed(() -> run.logArtifact(file, artifactDirectory));
                }

                @Override
                public void end(RunStatus status) {
                    run.end(status);
                }

                @Override
                public void close() {
                    run.close();
                }
            };
        }
    }

    /** Logging off: accepts everything and records nothing. */
    private static final class DroppingTracker implements Tracker {

        @Override
        public TrackedRun startRun(String experimentName, String runName, Map<String, String> tags) {
            String id = UUID.randomUUID().toString().replace("-", "");
            return new TrackedRun() {
                @Override
                public String runId() {
                    return id;
                }

                @Override
                public String experimentId() {
                    return "0";
                }

                @Override
                public void logParams(Map<String, String> params) {}

                @Override
                public void logMetric(String key, double value, long step, long timestampMillis) {}

                @Override
                public void setTag(String key, String value) {}

                @Override
                public void logArtifact(Path file, String artifactDirectory) {}

                @Override
                public void end(RunStatus status) {}

                @Override
                public void close() {}
            };
        }

        @Override
        public TrackedRun openRun(String runId) {
            throw new UnsupportedOperationException("logging off");
        }
    }
}
