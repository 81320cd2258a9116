package io.scorelab.runtime.compare;

import io.scorelab.runtime.tracking.LocalStoreReader;
import io.scorelab.runtime.tracking.MetricPoint;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.StoredRun;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Runs from a local store in MLflow's file-store layout (the one {@link
 * io.scorelab.runtime.tracking.LocalTracker} writes). A run's latest value of a metric is the point
 * MLflow picks:
 *
 * <pre>
 * latest = the point p maximizing (p.step, p.timestamp, p.value), compared in that order
 * </pre>
 */
public final class LocalRunSource implements RunSource {

    private final LocalStoreReader store;

    /** @param root the store's directory, for example {@code mlruns} */
    public LocalRunSource(Path root) {
        this.store = new LocalStoreReader(root);
    }

    @Override
    public List<RunRecord> runs(String experiment, String metric) {
        return store.runs(store.experimentId(experiment)).stream()
                .map(run -> new RunRecord(run.runId(), run.runName(), run.status(), run.params(), run.tags(),
                        run.metrics(), latest(run, metric)))
                .toList();
    }

    private OptionalDouble latest(StoredRun run, String metric) {
        return store.latestMetric(run, metric).map(MetricPoint::value).map(OptionalDouble::of)
                .orElse(OptionalDouble.empty());
    }

    @Override
    public RunStatus status(String runId) {
        return store.run(runId).status();
    }

    @Override
    public String location() {
        return store.root().toString();
    }
}
