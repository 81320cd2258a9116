package io.scorelab.runtime.tracking;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where runs are recorded: experiments by name, each holding runs with params, metrics, tags and
 * artifacts, in MLflow's data model.
 */
public interface Tracker {

    /**
     * Starts a run, creating its experiment if there is none of that name.
     *
     * @param experimentName the experiment's name
     * @param runName the run's name; null to take the {@code mlflow.runName} tag, or failing that a
     *     name made from the run id
     * @param tags tags to set on the run from the start, such as {@code mlflow.source.name}
     * @return the running run
     * @throws io.scorelab.api.ScorelabException for a bad experiment name or tag key, or a store that
     *     cannot be written
     */
    TrackedRun startRun(String experimentName, String runName, Map<String, String> tags);

    /**
     * Starts a run that has a directory of its own (its outputs), where a tracker that sends runs
     * elsewhere keeps what it has not sent yet.
     *
     * @param runDirectory the run's directory
     * @see #startRun(String, String, Map)
     */
    default TrackedRun startRun(String experimentName, String runName, Map<String, String> tags, Path runDirectory) {
        return startRun(experimentName, runName, tags);
    }

    /**
     * Reattaches to an existing run, for example to resume training, and marks it running again.
     *
     * @param runId the run's id
     * @return the run, running
     * @throws io.scorelab.api.ScorelabException if there is no such run or it was deleted
     */
    TrackedRun openRun(String runId);

    /**
     * Reattaches to a run that has a directory of its own, where a tracker that sends runs elsewhere
     * keeps what it has not sent yet.
     *
     * @param runDirectory the run's directory
     * @see #openRun(String)
     */
    default TrackedRun openRun(String runId, Path runDirectory) {
        return openRun(runId);
    }
}
