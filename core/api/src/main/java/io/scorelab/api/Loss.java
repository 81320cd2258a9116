package io.scorelab.api;

import ai.djl.ndarray.NDArray;

/**
 * A score-matching objective J(theta) estimated on one batch of data, for example denoising score
 * matching (Vincent 2011)
 *
 * <pre>
 *   J(theta) = E_{x_0, t, z} lambda(t) / 2 || s_theta(x_0 + sigma(t) z, t) + z / sigma(t) ||^2.
 * </pre>
 *
 * <p>Randomness (noise, times) is drawn on the device of x0 with the engine's generator.
 */
public interface Loss {

    /**
     * @param model the score model being trained (recording gradients)
     * @param schedule the forward process
     * @param x0 a batch of data, shape (n, d...)
     * @return the scalar objective and its per-example terms
     */
    LossValue compute(ScoreFunction model, NoiseSchedule schedule, NDArray x0);
}
