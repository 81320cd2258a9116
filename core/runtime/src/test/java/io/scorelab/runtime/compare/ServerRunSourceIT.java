package io.scorelab.runtime.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.TestMlflow;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.ServerTracker;
import io.scorelab.runtime.tracking.TrackedRun;
import io.scorelab.runtime.tracking.Tracker;
import io.scorelab.runtime.tracking.TrackingServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.tracking.MlflowClient;

/**
 * {@link ServerRunSource} against a real MLflow tracking server, the one {@code
 * SCORELAB_TEST_MLFLOW_URI} names (scripts/test.sh starts it): the same runs logged to the server
 * by {@link ServerTracker} and to a local store by {@link LocalTracker} give the same comparison.
 * The server is shared, so every test logs into experiments of its own.
 */
class ServerRunSourceIT {

    private static final String MMD = "eval/mmd";
    /** A fixed clock for logged points, so that both stores hold the very same points. */
    private static final long T = 1_700_000_000_000L;
    /** A run id as MLflow writes them: 32 hexadecimal digits. */
    private static final String RUN_ID = " \\([0-9a-f]{32}\\)";

    private TrackingServer server;

    @TempDir
    Path temp;

    @BeforeEach
    void findTheServer() {
        server = TrackingServer.of(TestMlflow.serverUri(), Map.of());
    }

    private static String uniqueExperiment(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private ServerTracker serverTracker() {
        return new ServerTracker(server, ServerTracker.OnUnavailable.FAIL, temp.resolve("spool"),
                Duration.ofSeconds(10));
    }

    private static String run(Tracker tracker, String experiment, String loss, int seed, RunStatus status,
            Consumer<TrackedRun> metrics) {
        try (TrackedRun run = tracker.startRun(experiment, loss + "-" + seed, Map.of())) {
            run.logParams(Map.of("loss.name", loss, "seed", Integer.toString(seed)));
            metrics.accept(run);
            run.end(status);
            return run.runId();
        }
    }

    /**
     * dsm: 0.10, 0.12 (its step 100 logged after its step 200), 0.14; ncsn: 0.20, 0.26 (after a NaN
     * at an earlier step), one without eval/mmd, one FAILED; sliced: diverged to +inf.
     */
    private static void sweep(Tracker tracker, String experiment) {
        run(tracker, experiment, "dsm", 1, RunStatus.FINISHED, r -> {
            r.logMetric(MMD, 0.30, 100, T);
            r.logMetric(MMD, 0.10, 200, T + 1);
        });
        run(tracker, experiment, "dsm", 2, RunStatus.FINISHED, r -> {
            r.logMetric(MMD, 0.12, 200, T);
            r.logMetric(MMD, 0.50, 100, T + 1);
        });
        run(tracker, experiment, "dsm", 3, RunStatus.FINISHED, r -> r.logMetric(MMD, 0.14, 200, T));
        run(tracker, experiment, "ncsn", 1, RunStatus.FINISHED, r -> r.logMetric(MMD, 0.20, 200, T));
        run(tracker, experiment, "ncsn", 2, RunStatus.FINISHED, r -> {
            r.logMetric(MMD, Double.NaN, 100, T);
            r.logMetric(MMD, 0.26, 200, T + 1);
        });
        run(tracker, experiment, "ncsn", 3, RunStatus.FINISHED, r -> r.logMetric("train/loss", 1.5, 200, T));
        run(tracker, experiment, "ncsn", 4, RunStatus.FAILED, r -> r.logMetric(MMD, 0.01, 200, T));
        run(tracker, experiment, "sliced", 1, RunStatus.FINISHED,
                r -> r.logMetric(MMD, Double.POSITIVE_INFINITY, 200, T));
    }

    @Test
    void aServerGivesTheSameTableAsTheLocalStore() {
        String experiment = uniqueExperiment("compare-it");
        sweep(serverTracker(), experiment);
        sweep(new LocalTracker(temp.resolve("mlruns")), experiment);
        CompareRequest request = new CompareRequest(experiment, MMD, List.of("loss.name"), List.of(), null, true);

        // Pages of 3 runs and of 1 point: 8 runs take three searches, a history of 2 points two requests.
        try (ServerRunSource source = new ServerRunSource(server, 3, 1)) {
            assertThat(source.runs(experiment, MMD)).hasSize(8);
            Comparison remote = Comparison.compute(source, request);
            Comparison local = Comparison.compute(new LocalRunSource(temp.resolve("mlruns")), request);

            // Exact equality: both read the same logged doubles and average them in the same order.
            assertThat(remote.rows()).isEqualTo(local.rows());
            // The notes name runs by "name (id)", and the stores give the runs different ids.
            assertThat(remote.text().replaceAll(RUN_ID, "")).isEqualTo(local.text().replaceAll(RUN_ID, ""));
            assertThat(remote.csv()).isEqualTo(local.csv());
            assertThat(remote.text()).contains("skipped: 1 run not FINISHED (1 FAILED)",
                    "missing: 1 run without eval/mmd, counted in the missing column: ncsn-3 (",
                    "non-finite: 1 run whose last eval/mmd is NaN or infinite");
            List<ComparisonRow> rows = remote.rows();
            assertThat(rows).extracting(ComparisonRow::values)
                    .containsExactly(List.of("dsm"), List.of("ncsn"), List.of("sliced"));
            // (0.10 + 0.12 + 0.14) / 3 and (0.20 + 0.26) / 2, up to the rounding of a few double additions
            assertThat(rows.get(0).mean()).isCloseTo(0.12, offset(1e-15));
            assertThat(rows.get(1).mean()).isCloseTo(0.23, offset(1e-15));
            assertThat(rows.get(1).missing()).isEqualTo(1);
            assertThat(rows.get(2).mean()).isEqualTo(Double.POSITIVE_INFINITY);
        }
    }

    private static void points(TrackedRun run) {
        run.logMetric("by_step", 0.1, 200, 1000);
        run.logMetric("by_step", 0.9, 100, 5000); // logged later, at an earlier step
        run.logMetric("by_time", 0.7, 50, 2000);
        run.logMetric("by_time", 0.3, 50, 1000);
        run.logMetric("by_value", 0.2, 50, 1000);
        run.logMetric("by_value", 0.4, 50, 1000);
        run.logMetric("by_value", 0.3, 50, 1000);
        run.logMetric("nan_tie", 0.2, 5, 1000);
        run.logMetric("nan_tie", Double.NaN, 5, 1000);
        run.logMetric("diverged", Double.NEGATIVE_INFINITY, 7, 1000);
    }

    @Test
    void theLatestPointIsLocalRunSourcesRuleNotTheServersLatestMetric() {
        String experiment = uniqueExperiment("compare-it-latest");
        String serverRun = run(serverTracker(), experiment, "dsm", 1, RunStatus.FINISHED, ServerRunSourceIT::points);
        run(new LocalTracker(temp.resolve("mlruns")), experiment, "dsm", 1, RunStatus.FINISHED,
                ServerRunSourceIT::points);

        Map<String, OptionalDouble> expected = Map.of("by_step", OptionalDouble.of(0.1), "by_time",
                OptionalDouble.of(0.7), "by_value", OptionalDouble.of(0.4), "nan_tie", OptionalDouble.of(Double.NaN),
                "diverged", OptionalDouble.of(Double.NEGATIVE_INFINITY), "absent", OptionalDouble.empty());
        try (ServerRunSource source = new ServerRunSource(server)) {
            expected.forEach((metric, latest) -> {
                assertThat(source.runs(experiment, metric).get(0).latest()).as(metric).isEqualTo(latest);
                assertThat(new LocalRunSource(temp.resolve("mlruns")).runs(experiment, metric).get(0).latest())
                        .as(metric).isEqualTo(latest);
            });
        }
        // Why the history: the server's own latest value stores a NaN as 0 and keeps 0.2 on the tie,
        // and stores -inf as the most negative double.
        try (MlflowClient client = new MlflowClient(server.hostCredentials())) {
            Map<String, Double> latestMetrics = new TreeMap<>();
            client.getRun(serverRun).getData().getMetricsList()
                    .forEach(metric -> latestMetrics.put(metric.getKey(), metric.getValue()));
            assertThat(latestMetrics).containsEntry("nan_tie", 0.2).containsEntry("diverged", -Double.MAX_VALUE);
        }
    }

    @Test
    void mistakesNameWhatIsThere() {
        String experiment = uniqueExperiment("compare-it-mistakes");
        String kept = run(serverTracker(), experiment, "dsm", 1, RunStatus.KILLED, r -> { });
        String deleted = run(serverTracker(), experiment, "dsm", 2, RunStatus.FINISHED, r -> { });
        String gone = uniqueExperiment("compare-it-gone");
        run(serverTracker(), gone, "dsm", 1, RunStatus.FINISHED, r -> { });
        String goneId;
        try (MlflowClient client = new MlflowClient(server.hostCredentials())) {
            client.deleteRun(deleted);
            goneId = client.searchExperiments("name = '" + gone + "'").getItems().get(0).getExperimentId();
            client.deleteExperiment(goneId);
        }

        try (ServerRunSource source = new ServerRunSource(server)) {
            assertThat(source.runs(experiment, MMD)).extracting(RunRecord::runId).containsExactly(kept);
            assertThat(source.status(kept)).isEqualTo(RunStatus.KILLED);
            assertThat(source.location()).isEqualTo(server.uri().toString());
            assertThatThrownBy(() -> source.status(deleted)).isInstanceOf(ScorelabException.class)
                    .hasMessage("run " + deleted + " on " + server + " is deleted");
            assertThatThrownBy(() -> source.status("0123456789abcdef0123456789abcdef"))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessage("no run 0123456789abcdef0123456789abcdef on " + server);
            assertThatThrownBy(() -> source.runs(gone, MMD)).isInstanceOf(ScorelabException.class)
                    .hasMessage("experiment '" + gone + "' on " + server + " is deleted; restore it with"
                            + " 'mlflow experiments restore --experiment-id " + goneId + "'");
            assertThatThrownBy(() -> source.runs(experiment + "x", MMD)).isInstanceOf(ScorelabException.class)
                    .hasMessageStartingWith("no experiment '" + experiment + "x' on " + server
                            + "; experiments there: ")
                    .hasMessageNotContaining("'" + gone + "'");
        }
    }
}
