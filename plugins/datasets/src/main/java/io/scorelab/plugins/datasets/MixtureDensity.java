package io.scorelab.plugins.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.scorelab.api.AnalyticDensity;

/**
 * The noised marginal of an isotropic Gaussian mixture, itself a mixture with widened components,
 *
 * <pre>
 *   log p_sigma(x) = logsumexp_k [log w_k + log N(x; mu_k, v I)],   v = std^2 + sigma^2,
 *   grad_x log p_sigma(x) = sum_k r_k(x) (mu_k - x) / v,          r = softmax_k of the terms above.
 * </pre>
 *
 * Computed in the data type of x, so float64 inputs give float64 results.
 */
final class MixtureDensity implements AnalyticDensity {

    private final double[][] means;
    private final double[] logWeights;
    private final double variance;

    MixtureDensity(double[][] means, double[] weights, double std) {
        this.means = means;
        this.logWeights = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
            logWeights[k] = Math.log(weights[k]);
        }
        this.variance = std * std;
    }

    @Override
    public NDArray logDensity(NDArray x, NDArray sigma) {
        NDArray logits = logits(x, widened(x, sigma));
        NDArray max = logits.max(new int[] {1}, true);
        return logits.sub(max).exp().sum(new int[] {1}).log().add(max.squeeze(1));
    }

    @Override
    public NDArray score(NDArray x, NDArray sigma) {
        NDArray v = widened(x, sigma);
        NDArray responsibilities = logits(x, v).softmax(1);
        return responsibilities.matMul(constant(x, means)).sub(x).div(v);
    }

    /** @return v = std^2 + sigma^2 as a column, (n, 1) or (1, 1), in the data type of x */
    private NDArray widened(NDArray x, NDArray sigma) {
        return sigma.toType(x.getDataType(), false).square().add(variance).reshape(-1, 1);
    }

    /** @return the terms log w_k + log N(x; mu_k, v I), shape (n, K) */
    private NDArray logits(NDArray x, NDArray v) {
        long d = x.getShape().get(1);
        NDArray mu = constant(x, means);
        NDArray squaredDistance = x.expandDims(1).sub(mu.expandDims(0)).square().sum(new int[] {2});
        return squaredDistance.div(v.mul(-2))
                .add(constant(x, new double[][] {logWeights}))
                .sub(v.mul(2 * Math.PI).log().mul(d / 2.0));
    }

    private static NDArray constant(NDArray like, double[][] values) {
        NDManager manager = like.getManager();
        return manager.create(values).toType(like.getDataType(), false);
    }
}
