package io.scorelab.runtime.compare;

import io.scorelab.runtime.tracking.RunStatus;
import java.util.List;

/**
 * Where a comparison reads runs from: the local store ({@link LocalRunSource}) or a tracking
 * server. An implementation reads only; choosing, grouping and averaging runs is {@link
 * Comparison}'s.
 */
public interface RunSource {

    /**
     * @param experiment an experiment's name
     * @param metric the key of the metric to compare, for example {@code eval/mmd}
     * @return the experiment's runs, deleted ones left out, each with its latest value of the metric
     * @throws io.scorelab.api.ScorelabException if there is no such experiment, naming the ones there
     */
    List<RunRecord> runs(String experiment, String metric);

    /**
     * @param runId a run's id
     * @return the run's status
     * @throws io.scorelab.api.ScorelabException if there is no such run
     */
    RunStatus status(String runId);

    /** @return where the runs are read from, for messages: a directory or a server's URI */
    String location();
}
