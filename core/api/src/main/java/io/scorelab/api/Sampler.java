package io.scorelab.api;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Draws samples from the model distribution by simulating a reverse process driven by a score
 * s(x, t), for example annealed Langevin dynamics (Song and Ermon 2019, Algorithm 1):
 *
 * <pre>
 *   x &lt;- x + (alpha_i / 2) s(x, sigma_i) + sqrt(alpha_i) z,   alpha_i = eps sigma_i^2 / sigma_L^2.
 * </pre>
 *
 * <p>Implementations run batched on the manager's device and keep the memory of one step in a
 * sub-manager of {@code manager}.
 *
 * <p>Seeding: every random draw (the prior's x_T and each z) is the next draw of the given {@link
 * SampleNoise}, whose row r belongs to sample k = noise.first() + r. A sampler draws in the same order
 * for every batch (its draws depend on the step, never on the values), so draw c of sample k is the
 * same in every batch that contains k. Where the updates act on each sample alone, sample k therefore
 * comes out the same whether it is drawn in a batch of 2000 or alone with first = k:
 *
 * <pre>
 *   sample(model, schedule, new SampleNoise(seed, 0), manager, (n, d...))[k]
 *       = sample(model, schedule, new SampleNoise(seed, k), manager, (1, d...))[0],
 * </pre>
 *
 * bit for bit when the score acts on each row alone, and up to rounding for a model whose batched
 * kernels (matrix products) round differently for another number of rows. A sampler whose updates
 * couple the samples of a batch (a step size from batch-mean norms, an adaptive step from a batch-wide
 * error) says so in its documentation; there the equality holds only up to that coupling.
 */
public interface Sampler {

    /**
     * @param model the score, s(x, t)
     * @param schedule the forward process whose reverse is simulated
     * @param noise the per-sample noise that every random draw comes from, fresh for this run (no
     *     draws yet)
     * @param manager owns the returned samples
     * @param shape the shape (n, d...) of the batch of samples; row r is sample noise.first() + r
     * @return the samples and the number of score evaluations spent
     */
    SampleResult sample(ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape);
}
