package io.scorelab.runtime.training;

import io.scorelab.api.Options;
import java.util.List;

/**
 * The {@code trainer} section of a run's configuration.
 *
 * @param steps optimizer steps
 * @param batchSize examples per step
 * @param lr Adam's learning rate after warmup
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param eps Adam's denominator offset
 * @param warmup steps of linear learning-rate warmup
 * @param gradClip the global gradient-norm bound (0 = none)
 * @param ema the EMA decay of the weights
 * @param logEvery steps between metric logs
 * @param checkpointEvery steps between checkpoints (0 = only at the end)
 * @param skipNonFinite whether a non-finite loss skips its batch ({@code on_nan = skip}) instead of stopping
 */
public record TrainerOptions(
        int steps,
        int batchSize,
        double lr,
        double beta1,
        double beta2,
        double eps,
        int warmup,
        double gradClip,
        double ema,
        int logEvery,
        int checkpointEvery,
        boolean skipNonFinite) {

    /** @return the options read and validated from the {@code trainer} subtree */
    public static TrainerOptions from(Options trainer) {
        double gradClip = trainer.getDouble("grad_clip");
        if (gradClip < 0) {
            throw trainer.invalid("grad_clip", "a number >= 0 (0 = no clipping)");
        }
        return new TrainerOptions(
                trainer.positiveInt("steps"),
                trainer.positiveInt("batch_size"),
                trainer.positiveDouble("lr"),
                trainer.doubleIn("beta1", 0, 0.999999),
                trainer.doubleIn("beta2", 0, 0.999999),
                trainer.positiveDouble("eps"),
                trainer.nonNegativeInt("warmup"),
                gradClip,
                trainer.doubleIn("ema", 0, 1),
                trainer.positiveInt("log_every"),
                trainer.nonNegativeInt("checkpoint_every"),
                trainer.oneOf("on_nan", List.of("stop", "skip")).equals("skip"));
    }

    /** @return the learning rate at a step (0-based): linear warmup, then constant */
    public double learningRate(long step) {
        return warmup == 0 ? lr : lr * Math.min(1.0, (step + 1) / (double) warmup);
    }
}
