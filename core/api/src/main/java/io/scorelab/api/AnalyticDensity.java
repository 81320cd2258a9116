package io.scorelab.api;

import ai.djl.ndarray.NDArray;

/**
 * Exact log-density and score of a data distribution p_0 and of its Gaussian-noised marginal
 *
 * <pre>
 *   p_sigma(x) = integral p_0(y) N(x; y, sigma^2 I) dy,    score_sigma(x) = grad_x log p_sigma(x).
 * </pre>
 *
 * <p>sigma = 0 gives the data itself. For a forward process with mean coefficient alpha(t), the
 * marginal of x_t = alpha x_0 + sigma z is p_t(x) = alpha^-d p_{sigma/alpha}(x / alpha), so its
 * score is score_{sigma/alpha}(x / alpha) / alpha.
 */
public interface AnalyticDensity {

    /**
     * @param x points of shape (n, d...)
     * @param sigma noise standard deviations, of shape (n) or a scalar; may be 0
     * @return log p_sigma(x), shape (n)
     */
    NDArray logDensity(NDArray x, NDArray sigma);

    /**
     * @param x points of shape (n, d...)
     * @param sigma noise standard deviations, of shape (n) or a scalar; may be 0
     * @return grad_x log p_sigma(x), shaped like x
     */
    NDArray score(NDArray x, NDArray sigma);
}
