package io.scorelab.runtime.tracking;

import io.scorelab.api.ScorelabException;
import java.util.List;

/**
 * The content of a run's meta.yaml in MLflow's file store.
 *
 * @param runId the run's id
 * @param runName the run's name
 * @param experimentId the id of the run's experiment
 * @param artifactUri where the run's artifacts are, a URI
 * @param userId who ran it
 * @param status its status
 * @param startTime when it started, milliseconds since the epoch
 * @param endTime when it ended, milliseconds since the epoch, or null while it has not
 * @param lifecycleStage {@code active} or {@code deleted}
 */
record RunMeta(
        String runId,
        String runName,
        String experimentId,
        String artifactUri,
        String userId,
        RunStatus status,
        long startTime,
        Long endTime,
        String lifecycleStage) {

    /** MLflow's source type LOCAL, the one its file store always writes. */
    private static final long SOURCE_TYPE_LOCAL = 4;

    /** @return the meta.yaml, with the fields MLflow writes (including the legacy ones) */
    FlatYaml toYaml() {
        return new FlatYaml()
                .put("artifact_uri", artifactUri)
                .put("end_time", endTime)
                .put("entry_point_name", "")
                .put("experiment_id", experimentId)
                .put("lifecycle_stage", lifecycleStage)
                .put("run_id", runId)
                .put("run_name", runName)
                .put("run_uuid", runId)
                .put("source_name", "")
                .put("source_type", SOURCE_TYPE_LOCAL)
                .put("source_version", "")
                .put("start_time", startTime)
                .put("status", (long) status.code())
                .put("tags", List.of())
                .put("user_id", userId);
    }

    /**
     * @param yaml a parsed meta.yaml
     * @param source the file, for messages
     * @return the run's metadata
     * @throws ScorelabException naming the file if a field is missing or bad
     */
    static RunMeta of(FlatYaml yaml, Object source) {
        String runId = yaml.string("run_id") != null ? yaml.string("run_id") : yaml.string("run_uuid");
        Long statusCode = yaml.number("status");
        RunStatus status = statusCode == null ? RunStatus.RUNNING : RunStatus.ofCode(statusCode);
        if (status == null) {
            throw new ScorelabException(source + ": unknown run status " + statusCode);
        }
        Long startTime = yaml.number("start_time");
        String lifecycleStage = yaml.string("lifecycle_stage");
        return new RunMeta(
                required(runId, "run_id", source),
                yaml.string("run_name"),
                required(yaml.string("experiment_id"), "experiment_id", source),
                required(yaml.string("artifact_uri"), "artifact_uri", source),
                required(yaml.string("user_id"), "user_id", source),
                status,
                required(startTime, "start_time", source),
                yaml.number("end_time"),
                lifecycleStage == null ? LocalTracker.ACTIVE : lifecycleStage);
    }

    /** @return a copy with another status and end time */
    RunMeta withStatus(RunStatus newStatus, Long newEndTime) {
        return new RunMeta(runId, runName, experimentId, artifactUri, userId, newStatus, startTime, newEndTime,
                lifecycleStage);
    }

    /** @return a copy with another name */
    RunMeta withName(String newName) {
        return new RunMeta(runId, newName, experimentId, artifactUri, userId, status, startTime, endTime,
                lifecycleStage);
    }

    private static <T> T required(T value, String key, Object source) {
        if (value == null) {
            throw new ScorelabException(source + ": missing '" + key + "'");
        }
        return value;
    }
}
