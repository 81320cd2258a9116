package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;

/**
 * The training objective of EDM (Karras et al. 2022, eq. 8 and table 1), for a score model through
 * Tweedie's denoiser D = x + sigma^2 s:
 *
 * <pre>
 *   J(theta) = E_sigma E_{x_0, z} lambda(sigma) mean_dims (D_theta(x, sigma) - x_0)^2,
 *   ln sigma ~ N(p_mean, p_std^2),   clamped to [sigma(t_min), sigma(t_max)],
 *   t = sigma^-1(sigma),   x = x_0 + sigma z,   D_theta = x + sigma^2 s_theta(x, t),
 *   lambda(sigma) = (sigma^2 + sigma_data^2) / (sigma sigma_data)^2,
 * </pre>
 *
 * the mean over the dimensions of each example, then over the batch (the value EDM's code reports
 * as {@code Loss/loss}; its backward pass uses the sum over the dimensions, d times this). The
 * log-normal sigma is clamped to the schedule's range so that every draw has a time; the times come
 * from {@link NoiseSchedule#timeOfSigma(NDArray)} and sigma(t) is the noise level used. EDM noises
 * without scaling: a schedule with alpha(t) != 1 is refused.
 */
public final class EdmLoss extends NoisedLoss {

    /** The schedule last checked, and its range of sigma rounded inwards to float32. */
    private record Range(NoiseSchedule schedule, float lo, float hi) {}

    private final double pMean;
    private final double pStd;
    private final double sigmaData;
    private volatile Range range;

    @Inject
    EdmLoss(@Named("loss") Options options) {
        this(finite(options, "p_mean"), nonNegative(options, "p_std"), options.positiveDouble("sigma_data"));
    }

    private static double finite(Options options, String key) {
        double value = options.getDouble(key);
        if (!Double.isFinite(value)) {
            throw options.invalid(key, "a finite number");
        }
        return value;
    }

    private static double nonNegative(Options options, String key) {
        double value = finite(options, key);
        if (value < 0) {
            throw options.invalid(key, "a number >= 0");
        }
        return value;
    }

    /**
     * @param pMean the mean of ln sigma
     * @param pStd the standard deviation of ln sigma, at least 0 (0: every example at exp(p_mean))
     * @param sigmaData the standard deviation of the data, positive
     */
    public EdmLoss(double pMean, double pStd, double sigmaData) {
        if (!(Double.isFinite(pMean) && pStd >= 0 && Double.isFinite(pStd) && sigmaData > 0
                && Double.isFinite(sigmaData))) {
            throw new ScorelabException("edm loss needs a finite p_mean, p_std >= 0 and sigma_data > 0, got p_mean = "
                    + pMean + ", p_std = " + pStd + ", sigma_data = " + sigmaData);
        }
        this.pMean = pMean;
        this.pStd = pStd;
        this.sigmaData = sigmaData;
    }

    @Override
    NDArray times(NoiseSchedule schedule, NDManager manager, long n) {
        Range current = range(schedule);
        NDArray sigma = manager.randomNormal(0f, 1f, new Shape(n), DataType.FLOAT32)
                .mul(pStd).add(pMean).exp().clip(current.lo(), current.hi());
        return schedule.timeOfSigma(sigma);
    }

    /** lambda(sigma) mean_dims (x + sigma^2 s - x_0)^2 per example. */
    @Override
    NDArray term(ScoreFunction model, NoiseSchedule schedule, NoisedBatch batch) {
        NDArray score = model.score(batch.xt(), batch.t());
        NDArray variance = batch.sigma().square();
        NDArray denoised = batch.xt().add(score.mul(batch.column(variance)));
        NDArray weight = variance.add(sigmaData * sigmaData).div(variance.mul(sigmaData * sigmaData));
        return meanOverDims(denoised.sub(batch.x0()).square()).mul(weight);
    }

    private Range range(NoiseSchedule schedule) {
        Range current = range;
        if (current == null || current.schedule() != schedule) {
            requireUnitAlpha(schedule);
            current = new Range(schedule, inwardUp(schedule.sigmaAt(schedule.tMin())),
                    inwardDown(schedule.sigmaAt(schedule.tMax())));
            range = current;
        }
        return current;
    }

    private static void requireUnitAlpha(NoiseSchedule schedule) {
        double[] times = {schedule.tMin(), 0.5 * (schedule.tMin() + schedule.tMax()), schedule.tMax()};
        for (double t : times) {
            double alpha = schedule.alphaAt(t);
            if (Math.abs(alpha - 1) > 1e-6) {
                throw new ScorelabException("the edm loss noises x = x_0 + sigma z and needs a schedule with alpha(t) = 1,"
                        + " but the schedule " + schedule.getClass().getSimpleName() + " has alpha(" + t + ") = " + alpha
                        + ": choose a variance-exploding schedule (schedule=ve or schedule=edm)");
            }
        }
    }

    /** @return the smallest float32 >= value */
    private static float inwardUp(double value) {
        float rounded = (float) value;
        return rounded < value ? Math.nextUp(rounded) : rounded;
    }

    /** @return the largest float32 <= value */
    private static float inwardDown(double value) {
        float rounded = (float) value;
        return rounded > value ? Math.nextDown(rounded) : rounded;
    }
}
