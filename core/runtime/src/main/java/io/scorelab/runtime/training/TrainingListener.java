package io.scorelab.runtime.training;

import java.util.Map;

/** Hears a training loop's progress: the terminal's progress bar, the tracker, the evaluator. */
public interface TrainingListener {

    /** After each optimizer step (1-based); must be cheap, it runs on the hot path. */
    default void onStep(long step) {}

    /** Every {@code trainer.log_every} steps and at the last step, with the {@code train/...} metrics. */
    default void onLog(long step, Map<String, Double> metrics) {}
}
