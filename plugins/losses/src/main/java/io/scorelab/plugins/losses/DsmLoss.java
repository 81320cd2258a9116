package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;

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
 * sigma(t) = sigma is found once per schedule ({@link NoiseLevel}).
 */
public final class DsmLoss extends NoisedLoss {

    private final NoiseLevel level;

    @Inject
    DsmLoss(@Named("loss") Options options) {
        this(options.positiveDouble("sigma"));
    }

    /** @param sigma the noise level, finite and positive */
    public DsmLoss(double sigma) {
        this.level = new NoiseLevel("dsm", sigma);
    }

    @Override
    NDArray times(NoiseSchedule schedule, NDManager manager, long n) {
        return level.times(schedule, manager, n);
    }

    /** 1/2 || s + z / sigma ||^2 per example. */
    @Override
    NDArray term(ScoreFunction model, NoiseSchedule schedule, NoisedBatch batch) {
        NDArray score = model.score(batch.xt(), batch.t());
        return halfSquaredNorm(score.add(batch.z().div(batch.column(batch.sigma()))));
    }
}
