package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;

/**
 * Ho et al. 2020's simplified objective L_simple for a score model: the noise prediction
 * eps_theta = -sigma(t) s_theta (Song et al. 2021, eqs. 9-10) regressed onto the noise,
 *
 * <pre>
 *   J(theta) = E_t E_{x_0, eps} mean_dims (eps - eps_theta(x_t, t))^2
 *            = E_t E_{x_0, eps} mean_dims (eps + sigma(t) s_theta(x_t, t))^2,
 *   x_t = alpha(t) x_0 + sigma(t) eps,   t ~ the schedule's training times,
 * </pre>
 *
 * the mean over the dimensions of each example, then over the batch (Ho's {@code meanflat}). For
 * DDPM's variance-preserving schedule, alpha = sqrt(alpha_bar_t) and sigma = sqrt(1 - alpha_bar_t);
 * t is drawn uniformly over a discrete schedule's grid, or uniformly on [t_eps, T] for a continuous
 * one.
 */
public final class DdpmLoss extends NoisedLoss {

    /** L_simple has no options: the times and their distribution are the schedule's. */
    public DdpmLoss() {}

    /** mean over the dimensions of (eps + sigma s)^2 per example. */
    @Override
    NDArray term(ScoreFunction model, NoiseSchedule schedule, NoisedBatch batch) {
        NDArray score = model.score(batch.xt(), batch.t());
        return meanOverDims(score.mul(batch.column(batch.sigma())).add(batch.z()).square());
    }
}
