package io.scorelab.plugins.datasets;

import ai.djl.ndarray.NDArray;
import io.scorelab.api.AnalyticDensity;

/**
 * The noised marginal of N(mu, Sigma), itself Gaussian, p_sigma = N(mu, Sigma + sigma^2 I); in the eigenbasis
 * Sigma = U diag(lambda) U^T of the covariance, with y = U^T (x - mu) and v_k = lambda_k + sigma^2,
 *
 * <pre>
 *   log p_sigma(x) = -1/2 sum_k [log(2 pi v_k) + y_k^2 / v_k],
 *   grad_x log p_sigma(x) = -U diag(1 / v) y.
 * </pre>
 *
 * Computed in the data type of x, so float64 inputs give float64 results.
 */
final class GaussianDensity implements AnalyticDensity {

    private final double[][] mean;
    private final double[][] eigenvalues;
    private final double[][] eigenvectors;
    private final double[][] transposed;

    /**
     * @param mean mu
     * @param eigenvalues lambda, positive
     * @param eigenvectors U, one unit eigenvector per column
     */
    GaussianDensity(double[] mean, double[] eigenvalues, double[][] eigenvectors) {
        int d = mean.length;
        this.mean = new double[][] {mean.clone()};
        this.eigenvalues = new double[][] {eigenvalues.clone()};
        this.eigenvectors = eigenvectors;
        this.transposed = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                transposed[k][i] = eigenvectors[i][k];
            }
        }
    }

    @Override
    public NDArray logDensity(NDArray x, NDArray sigma) {
        NDArray v = variances(x, sigma);
        return coordinates(x).square().div(v).add(v.mul(2 * Math.PI).log()).sum(new int[] {1}).mul(-0.5);
    }

    @Override
    public NDArray score(NDArray x, NDArray sigma) {
        return coordinates(x).div(variances(x, sigma)).matMul(constant(x, transposed)).neg();
    }

    /** @return y = U^T (x - mu) for every row, shape (n, d) */
    private NDArray coordinates(NDArray x) {
        return x.sub(constant(x, mean)).matMul(constant(x, eigenvectors));
    }

    /** @return v = lambda + sigma^2, shape (n, d) or (1, d), in the data type of x */
    private NDArray variances(NDArray x, NDArray sigma) {
        return sigma.toType(x.getDataType(), false).square().reshape(-1, 1).add(constant(x, eigenvalues));
    }

    private static NDArray constant(NDArray like, double[][] values) {
        return like.getManager().create(values).toType(like.getDataType(), false);
    }
}
