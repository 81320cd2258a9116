package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Autograd;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;

/**
 * Implicit score matching (Hyvärinen 2005): by integration by parts the Fisher divergence to the
 * data noised at one level sigma equals, up to a constant,
 *
 * <pre>
 *   J(theta) = E_{x_0, z} [ 1/2 || s_theta(x_t, t) ||^2 + tr(grad_x s_theta(x_t, t)) ],
 *   x_t = alpha(t) x_0 + sigma z,   t = sigma^-1(sigma),
 *   tr(grad_x s) = sum_k e_k^T grad_x (e_k^T s),
 * </pre>
 *
 * with the trace computed exactly: one differentiable vector-Jacobian product per input dimension k
 * of the flattened example (d = the product of the example shape), so d backward passes per batch.
 * Examples are assumed independent (no batch statistics in the model). Must be computed while
 * gradients are recorded (inside the trainer's gradient collector); the products also add
 * d(e_k^T s)/d theta to the parameters' gradients, which the trainer zeroes before its backward.
 */
public final class IsmLoss extends NoisedLoss {

    private final NoiseLevel level;
    private final Autograd autograd;

    @Inject
    IsmLoss(@Named("loss") Options options, Autograd autograd) {
        this(options.positiveDouble("sigma"), autograd);
    }

    /**
     * @param sigma the noise level, finite and positive
     * @param autograd differentiable vector-Jacobian products
     */
    public IsmLoss(double sigma, Autograd autograd) {
        this.level = new NoiseLevel("ism", sigma);
        this.autograd = autograd;
    }

    @Override
    NDArray times(NoiseSchedule schedule, NDManager manager, long n) {
        return level.times(schedule, manager, n);
    }

    /** 1/2 ||s||^2 + tr(grad_x s) per example. */
    @Override
    NDArray term(ScoreFunction model, NoiseSchedule schedule, NoisedBatch batch) {
        NDArray x = autograd.leaf(batch.xt());
        NDArray score = model.score(x, batch.t());
        long n = score.getShape().get(0);
        long d = batch.dimension();
        NDArray coordinates = x.getManager().arange(0, (int) d, 1, score.getDataType());
        NDArray trace = null;
        for (long k = 0; k < d; k++) {
            NDArray basis = coordinates.eq(k).toType(score.getDataType(), false)
                    .broadcast(n, d).reshape(score.getShape());
            NDArray row = autograd.vjp(score, x, basis).reshape(n, d).get(new NDIndex(":, {}", k));
            trace = trace == null ? row : trace.add(row);
        }
        return halfSquaredNorm(score).add(trace);
    }
}
