package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Loss;
import io.scorelab.api.LossValue;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;
import java.util.Arrays;

/**
 * What the denoising objectives share: for times t chosen by the subclass and z ~ N(0, I) drawn on
 * the device of x_0, the model is evaluated at x_t = alpha(t) x_0 + sigma(t) z, whose conditional
 * score is -z / sigma(t); the loss is the batch mean of the subclass's per-example term.
 */
abstract class DenoisingLoss implements Loss {

    @Override
    public final LossValue compute(ScoreFunction model, NoiseSchedule schedule, NDArray x0) {
        NDArray z = x0.getManager().randomNormal(0f, 1f, x0.getShape(), x0.getDataType());
        return compute(model, schedule, x0, z);
    }

    /** {@link #compute(ScoreFunction, NoiseSchedule, NDArray)} with the noise z given. */
    final LossValue compute(ScoreFunction model, NoiseSchedule schedule, NDArray x0, NDArray z) {
        NDArray t = times(schedule, x0.getManager(), x0.getShape().get(0));
        NDArray sigma = schedule.sigma(t);
        NDArray sigmaPerExample = broadcastable(sigma, x0);
        NDArray xt = x0.mul(broadcastable(schedule.alpha(t), x0)).add(z.mul(sigmaPerExample));
        NDArray perExample = term(model.score(xt, t), z, sigmaPerExample);
        return new LossValue(perExample.mean(), perExample, sigma);
    }

    /** @return the times, shape (n), at which the batch is noised */
    abstract NDArray times(NoiseSchedule schedule, NDManager manager, long n);

    /**
     * @param score s(x_t, t), shape (n, d...)
     * @param z the noise, shape (n, d...)
     * @param sigma sigma(t), shape (n, 1, ..., 1)
     * @return each example's term, shape (n)
     */
    abstract NDArray term(NDArray score, NDArray z, NDArray sigma);

    /** @return 1/2 ||v||^2 over all axes but the first, shape (n) */
    static NDArray halfSquaredNorm(NDArray v) {
        return v.square().reshape(v.getShape().get(0), -1).sum(new int[] {1}).mul(0.5f);
    }

    /** Reshapes per-example values (n) to (n, 1, ..., 1), to broadcast against arrays shaped like x. */
    private static NDArray broadcastable(NDArray perExample, NDArray x) {
        long[] shape = new long[x.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = x.getShape().get(0);
        return perExample.reshape(new Shape(shape));
    }
}
