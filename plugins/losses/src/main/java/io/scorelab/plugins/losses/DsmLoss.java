package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;

/**
 * Denoising score matching at a single noise level sigma (Vincent 2011):
 *
 * <pre>
 *   J(theta) = E_{x_0, z} 1/2 || s_theta(x_t, t) + z / sigma ||^2,
 *   x_t = alpha(t) x_0 + sigma z,   z ~ N(0, I),   t = sigma^-1(sigma),
 * </pre>
 *
 * estimated by the batch mean of the per-example terms (each summed over the dimensions). Its
 * minimizer is the score of the data noised at sigma, not of the data: use it to learn one noised
 * distribution, {@link NcsnLoss} to learn the scores along a whole schedule. The time t with
 * sigma(t) = sigma is found once per schedule (by {@link NoiseSchedule#timeOfSigma}) and cached.
 */
public final class DsmLoss extends DenoisingLoss {

    /** The schedule whose time of sigma was last resolved, and that time. */
    private record ResolvedTime(NoiseSchedule schedule, float t) {}

    private final double sigma;
    private volatile ResolvedTime resolved;

    @Inject
    DsmLoss(@Named("loss") Options options) {
        this(options.positiveDouble("sigma"));
    }

    /** @param sigma the noise level, finite and positive */
    public DsmLoss(double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new ScorelabException("dsm loss needs a positive, finite sigma, got sigma = " + sigma);
        }
        this.sigma = sigma;
    }

    @Override
    NDArray times(NoiseSchedule schedule, NDManager manager, long n) {
        ResolvedTime current = resolved;
        if (current == null || current.schedule() != schedule) {
            current = new ResolvedTime(schedule, (float) timeOfSigma(schedule));
            resolved = current;
        }
        return manager.full(new Shape(n), current.t());
    }

    private double timeOfSigma(NoiseSchedule schedule) {
        try {
            return schedule.timeOfSigma(sigma);
        } catch (ScorelabException e) {
            throw new ScorelabException("loss.sigma = " + sigma + " does not fit the schedule: " + e.getMessage(), e);
        }
    }

    /** 1/2 || s + z / sigma ||^2 per example. */
    @Override
    NDArray term(NDArray score, NDArray z, NDArray sigma) {
        return halfSquaredNorm(score.add(z.div(sigma)));
    }
}
