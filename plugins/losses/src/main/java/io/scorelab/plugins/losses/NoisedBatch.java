package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import java.util.Arrays;

/**
 * A batch noised by the forward process at given times,
 *
 * <pre>
 *   x_t = alpha(t) x_0 + sigma(t) z,   z ~ N(0, I),
 * </pre>
 *
 * whose conditional score is grad log p(x_t | x_0) = -z / sigma(t).
 *
 * @param x0 the data, shape (n, d...)
 * @param z the noise, shaped like x0
 * @param t the times, shape (n)
 * @param alpha alpha(t), shape (n)
 * @param sigma sigma(t), shape (n)
 * @param xt the noised data, shaped like x0
 */
record NoisedBatch(NDArray x0, NDArray z, NDArray t, NDArray alpha, NDArray sigma, NDArray xt) {

    static NoisedBatch of(NoiseSchedule schedule, NDArray x0, NDArray t, NDArray z) {
        NDArray alpha = schedule.alpha(t);
        NDArray sigma = schedule.sigma(t);
        NDArray xt = x0.mul(column(alpha, x0)).add(z.mul(column(sigma, x0)));
        return new NoisedBatch(x0, z, t, alpha, sigma, xt);
    }

    /** @return per-example values (n) reshaped to (n, 1, ..., 1), to broadcast against arrays shaped like x_0 */
    NDArray column(NDArray perExample) {
        return column(perExample, x0);
    }

    /** @return the number of dimensions d of one example, the product of its shape */
    long dimension() {
        return x0.getShape().size() / x0.getShape().get(0);
    }

    private static NDArray column(NDArray perExample, NDArray x) {
        long[] shape = new long[x.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = x.getShape().get(0);
        return perExample.reshape(new Shape(shape));
    }
}
