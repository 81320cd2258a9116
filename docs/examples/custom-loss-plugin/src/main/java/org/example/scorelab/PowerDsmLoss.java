package org.example.scorelab;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Loss;
import io.scorelab.api.LossValue;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;
import java.util.Arrays;

/**
 * Denoising score matching over the schedule's noise levels with the weight lambda(sigma) =
 * sigma^power:
 *
 * <pre>
 *   J(theta) = E_t E_{x_0, z} sigma(t)^power / 2 || s_theta(x_t, t) + z / sigma(t) ||^2,
 *   x_t = alpha(t) x_0 + sigma(t) z,   z ~ N(0, I),   t ~ the schedule's training times.
 * </pre>
 *
 * power = 2 is NCSN's weighting (every level's term O(1)); power = 0 weighs every level alike, which
 * lets the smallest sigma dominate. The minimizer is the score of the noised data whatever the power.
 */
public final class PowerDsmLoss implements Loss {

    private final double power;

    @Inject
    PowerDsmLoss(@Named("loss") Options options) {
        this(options.doubleIn("power", 0, 4));
    }

    /** @param power the exponent of the weight sigma^power, in [0, 4] */
    public PowerDsmLoss(double power) {
        this.power = power;
    }

    @Override
    public LossValue compute(ScoreFunction model, NoiseSchedule schedule, NDArray x0) {
        long n = x0.getShape().get(0);
        NDArray t = schedule.sampleTrainingTimes(x0.getManager(), Math.toIntExact(n));
        NDArray sigma = schedule.sigma(t);
        long[] perExampleShape = new long[x0.getShape().dimension()];
        Arrays.fill(perExampleShape, 1);
        perExampleShape[0] = n;
        NDArray s = sigma.reshape(new Shape(perExampleShape));
        NDArray z = x0.getManager().randomNormal(0f, 1f, x0.getShape(), x0.getDataType());
        NDArray xt = x0.mul(schedule.alpha(t).reshape(new Shape(perExampleShape))).add(z.mul(s));
        NDArray residual = model.score(xt, t).add(z.div(s));
        NDArray perExample = residual.square().reshape(n, -1).sum(new int[] {1})
                .mul(sigma.pow(power)).mul(0.5f);
        return new LossValue(perExample.mean(), perExample, sigma);
    }
}
