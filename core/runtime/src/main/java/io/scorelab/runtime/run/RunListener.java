package io.scorelab.runtime.run;

import io.scorelab.runtime.training.TrainingListener;
import java.nio.file.Path;
import java.util.Map;

/** Hears a run from start to end; the command line shows it, tests record it. */
public interface RunListener extends TrainingListener {

    /** Once the output directory and the MLflow run exist, before the first step. */
    default void onStart(Path outputDirectory, String runId, long totalSteps) {}

    /** After each evaluation, with the {@code eval/...} metrics. */
    default void onEvaluation(long step, Map<String, Double> metrics) {}
}
