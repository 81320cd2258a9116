package io.scorelab.runtime.compare;

import io.scorelab.runtime.tracking.RunStatus;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A run as a comparison sees it: status, params, tags, and the latest value of the metric compared
 * (the point of the largest step, then the latest timestamp: what MLflow's {@code search_runs}
 * reports as {@code metrics.<key>}).
 *
 * @param runId the run's id
 * @param runName the run's name, or null
 * @param status its status
 * @param params its params: the flattened resolved config, for example {@code loss.name}
 * @param tags its tags, for example {@code mlflow.parentRunId}
 * @param metrics the keys of every metric it has
 * @param latest the latest value of the metric compared; empty if the run lacks the metric
 */
public record RunRecord(
        String runId,
        String runName,
        RunStatus status,
        Map<String, String> params,
        Map<String, String> tags,
        Set<String> metrics,
        OptionalDouble latest) {

    /** @return "name (id)", or the id alone for a run without a name */
    String label() {
        return runName == null || runName.isEmpty() ? runId : runName + " (" + runId + ")";
    }
}
