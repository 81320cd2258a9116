package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.scorelab.api.Loss;
import io.scorelab.api.LossValue;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;

/**
 * What every objective here shares: for times t chosen by the subclass and z ~ N(0, I) drawn on the
 * device of x_0, the batch is noised to x_t = alpha(t) x_0 + sigma(t) z ({@link NoisedBatch}); the
 * loss is the batch mean of the subclass's per-example term, and each example's noise level is
 * sigma(t).
 */
abstract class NoisedLoss implements Loss {

    @Override
    public final LossValue compute(ScoreFunction model, NoiseSchedule schedule, NDArray x0) {
        NDArray z = x0.getManager().randomNormal(0f, 1f, x0.getShape(), x0.getDataType());
        return compute(model, schedule, x0, z);
    }

    /** {@link #compute(ScoreFunction, NoiseSchedule, NDArray)} with the noise z given. */
    final LossValue compute(ScoreFunction model, NoiseSchedule schedule, NDArray x0, NDArray z) {
        NDArray t = times(schedule, x0.getManager(), x0.getShape().get(0));
        NoisedBatch batch = NoisedBatch.of(schedule, x0, t, z);
        NDArray perExample = term(model, schedule, batch);
        return new LossValue(perExample.mean(), perExample, batch.sigma());
    }

    /**
     * @return the times, shape (n), at which the batch is noised: by default the schedule's training
     *     distribution; a single-level loss puts every example at its level
     */
    NDArray times(NoiseSchedule schedule, NDManager manager, long n) {
        return schedule.sampleTrainingTimes(manager, Math.toIntExact(n));
    }

    /**
     * @param model the score model, to be evaluated on the noised batch
     * @param schedule the forward process
     * @param batch the noised batch
     * @return each example's term, shape (n)
     */
    abstract NDArray term(ScoreFunction model, NoiseSchedule schedule, NoisedBatch batch);

    /** @return the sum of v over all axes but the first, shape (n) */
    static NDArray sumOverDims(NDArray v) {
        return v.reshape(v.getShape().get(0), -1).sum(new int[] {1});
    }

    /** @return the mean of v over all axes but the first, shape (n) */
    static NDArray meanOverDims(NDArray v) {
        return v.reshape(v.getShape().get(0), -1).mean(new int[] {1});
    }

    /** @return 1/2 ||v||^2 over all axes but the first, shape (n) */
    static NDArray halfSquaredNorm(NDArray v) {
        return half(sumOverDims(v.square()));
    }

    /**
     * v / 2 with the 1/2 in the engine's memory. {@code v.mul(0.5f)} would put the constant in a
     * Java-owned buffer that DJL frees when the garbage collector runs, while the graph keeps the
     * constant for the backward pass: gradients read freed memory, rarely and at random.
     */
    static NDArray half(NDArray v) {
        return v.mul(v.getManager().full(new ai.djl.ndarray.types.Shape(), 0.5f, v.getDataType()));
    }
}
