package io.scorelab.runtime.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a finished run went.
 *
 * @param runId the MLflow run id
 * @param outputDirectory the run's directory
 * @param evaluation the last evaluation's metrics ({@code eval/...})
 * @param trainingSeconds wall time of the training steps alone
 * @param totalSeconds wall time of the whole run
 * @param steps the number of optimizer steps
 */
public record RunSummary(
        String runId,
        Path outputDirectory,
        Map<String, Double> evaluation,
        double trainingSeconds,
        double totalSeconds,
        long steps) {

    /** @return training steps per second */
    public double stepsPerSecond() {
        return steps / trainingSeconds;
    }
}
