package io.scorelab.runtime.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading runs back from a store written by {@link LocalTracker} (and lines MLflow itself writes). */
class LocalRunSourceTest {

    @TempDir
    Path temp;

    private Path root() {
        return temp.resolve("mlruns");
    }

    private Path metricFile(TrackedRun run, String key) {
        return root().resolve(run.experimentId()).resolve(run.runId()).resolve("metrics").resolve(key);
    }

    private RunRecord only(String experiment, String metric) {
        List<RunRecord> runs = new LocalRunSource(root()).runs(experiment, metric);
        assertThat(runs).hasSize(1);
        return runs.get(0);
    }

    @Test
    void readsParamsTagsStatusAndMetricKeys() {
        LocalTracker tracker = new LocalTracker(root());
        try (TrackedRun run = tracker.startRun("e", "first", Map.of("mlflow.parentRunId", "p1"))) {
            run.logParams(Map.of("loss.name", "dsm", "model/hidden", "[64, 64]"));
            run.logMetric("eval/mmd", 0.5, 10);
            run.logMetric("train/loss", 1.5, 10);
            run.end(RunStatus.KILLED);
        }

        RunRecord record = only("e", "eval/mmd");
        assertThat(record.runName()).isEqualTo("first");
        assertThat(record.status()).isEqualTo(RunStatus.KILLED);
        assertThat(record.params()).containsEntry("loss.name", "dsm").containsEntry("model/hidden", "[64, 64]");
        assertThat(record.tags()).containsEntry("mlflow.parentRunId", "p1").containsEntry("mlflow.runName", "first");
        assertThat(record.metrics()).containsExactly("eval/mmd", "train/loss");
        assertThat(record.latest()).isEqualTo(OptionalDouble.of(0.5));
        assertThat(only("e", "eval/fid").latest()).isEmpty();
    }

    @Test
    void theLatestPointIsMlflowsLargestStepThenTimestampThenValue() throws IOException {
        LocalTracker tracker = new LocalTracker(root());
        try (TrackedRun run = tracker.startRun("e", null, Map.of())) {
            run.logMetric("by_step", 0.1, 200, 1000);
            run.logMetric("by_step", 0.9, 100, 5000); // logged later, at an earlier step
            run.logMetric("by_time", 0.7, 50, 2000);
            run.logMetric("by_time", 0.3, 50, 1000);
            run.logMetric("by_value", 0.2, 50, 1000);
            run.logMetric("by_value", 0.4, 50, 1000);
            run.logMetric("by_value", 0.3, 50, 1000);
            run.logMetric("diverged", Double.NaN, 10, 1000);
            run.end(RunStatus.FINISHED);
            // MLflow's old two-field lines ("timestamp value", step 0), and a last line a crash cut short.
            Files.writeString(metricFile(run, "old"), "1000 0.25\n999 0.5\n");
            Files.writeString(metricFile(run, "torn"), "1000 0.25 1\n2000 0.75 2\n3000 0.9");
        }
        LocalRunSource source = new LocalRunSource(root());
        assertThat(source.runs("e", "by_step").get(0).latest()).isEqualTo(OptionalDouble.of(0.1));
        assertThat(source.runs("e", "by_time").get(0).latest()).isEqualTo(OptionalDouble.of(0.7));
        assertThat(source.runs("e", "by_value").get(0).latest()).isEqualTo(OptionalDouble.of(0.4));
        assertThat(source.runs("e", "old").get(0).latest()).isEqualTo(OptionalDouble.of(0.25));
        assertThat(source.runs("e", "torn").get(0).latest()).isEqualTo(OptionalDouble.of(0.75));
        assertThat(source.runs("e", "diverged").get(0).latest().getAsDouble()).isNaN();
    }

    @Test
    void aMalformedPointNamesItsFileAndLine() throws IOException {
        LocalTracker tracker = new LocalTracker(root());
        try (TrackedRun run = tracker.startRun("e", null, Map.of())) {
            run.end(RunStatus.FINISHED);
            Files.createDirectories(metricFile(run, "eval").getParent());
            Files.writeString(metricFile(run, "eval"), "1000 0.5 1\n1001 fast 2\n");
        }
        assertThatThrownBy(() -> new LocalRunSource(root()).runs("e", "eval"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("eval:2: expected \"timestamp value step\", found '1001 fast 2'");
    }

    @Test
    void deletedRunsAreLeftOutAndDeletedExperimentsSaySo() throws IOException {
        LocalTracker tracker = new LocalTracker(root());
        String experimentId;
        try (TrackedRun kept = tracker.startRun("e", "kept", Map.of());
                TrackedRun deleted = tracker.startRun("e", "deleted", Map.of())) {
            kept.end(RunStatus.FINISHED);
            deleted.end(RunStatus.FINISHED);
            experimentId = deleted.experimentId();
            Path meta = root().resolve(experimentId).resolve(deleted.runId()).resolve("meta.yaml");
            Files.writeString(meta, Files.readString(meta).replace("\"active\"", "\"deleted\""));
        }
        assertThat(only("e", "m").runName()).isEqualTo("kept");

        Files.move(root().resolve(experimentId), root().resolve(".trash").resolve(experimentId));
        assertThatThrownBy(() -> new LocalRunSource(root()).runs("e", "m"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("experiment 'e' is deleted", "mlflow experiments restore");
    }

    @Test
    void unknownExperimentsStoresAndRunsAreClearErrors() {
        assertThatThrownBy(() -> new LocalRunSource(root()).runs("e", "m"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("no tracking store at " + root().toAbsolutePath(), "does not exist");
        try (TrackedRun run = new LocalTracker(root()).startRun("gmm", null, Map.of())) {
            run.end(RunStatus.FAILED);
            assertThat(new LocalRunSource(root()).status(run.runId())).isEqualTo(RunStatus.FAILED);
        }
        assertThatThrownBy(() -> new LocalRunSource(root()).runs("gmn", "m"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("no experiment 'gmn' in " + root().toAbsolutePath(),
                        "experiments there: 'Default', 'gmm'");
        assertThatThrownBy(() -> new LocalRunSource(root()).status("0123456789abcdef0123456789abcdef"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("no run 0123456789abcdef0123456789abcdef in " + root().toAbsolutePath());
        assertThatThrownBy(() -> new LocalRunSource(root()).status("../0"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("invalid run id '../0'");
    }
}
