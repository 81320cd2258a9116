package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;

/**
 * NCSN's denoising score matching over all the noise levels of a schedule (Song and Ermon 2019,
 * eq. 6), with the weighting lambda(sigma) = sigma^2 that makes every level's term O(1):
 *
 * <pre>
 *   J(theta) = E_t E_{x_0, z} lambda(sigma(t)) / 2 || s_theta(x_t, t) + z / sigma(t) ||^2
 *            = E_t E_{x_0, z} 1/2 || sigma(t) s_theta(x_t, t) + z ||^2,
 *   x_t = alpha(t) x_0 + sigma(t) z,   z ~ N(0, I),   t ~ the schedule's training times.
 * </pre>
 *
 * For a discrete schedule of L levels drawn uniformly, J = (1/L) sum_i lambda(sigma_i)
 * J_DSM(sigma_i). It is estimated by the batch mean of the per-example terms (each summed over
 * the dimensions); its minimizer is the score of the noised data at every level.
 */
public final class NcsnLoss extends NoisedLoss {

    /** NCSN has no options: the levels and their distribution are the schedule's. */
    public NcsnLoss() {}

    /** 1/2 || sigma s + z ||^2 per example. */
    @Override
    NDArray term(ScoreFunction model, NoiseSchedule schedule, NoisedBatch batch) {
        NDArray score = model.score(batch.xt(), batch.t());
        return halfSquaredNorm(score.mul(batch.column(batch.sigma())).add(batch.z()));
    }
}
