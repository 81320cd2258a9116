package io.scorelab.api;

import ai.djl.ndarray.NDArray;

/**
 * An estimate s(x, t) of the score grad_x log p_t(x) of the noised data at time t: a trained
 * model, or the exact score of an {@link AnalyticDensity}, which lets samplers be tested without
 * training.
 */
public interface ScoreFunction {

    /**
     * @param x states of shape (n, d...)
     * @param t times of shape (n)
     * @return s(x, t), shaped like x
     */
    NDArray score(NDArray x, NDArray t);
}
