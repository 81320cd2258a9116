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
 */
public interface Sampler {

    /**
     * @param model the score, s(x, t)
     * @param schedule the forward process whose reverse is simulated
     * @param manager owns the returned samples
     * @param shape the shape (n, d...) of the batch of samples
     * @return the samples and the number of score evaluations spent
     */
    SampleResult sample(ScoreFunction model, NoiseSchedule schedule, NDManager manager, Shape shape);
}
