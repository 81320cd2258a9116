package io.scorelab.plugins.samplers;

import io.scorelab.api.NoiseSchedule;

/**
 * The forward process observed at a sampler's levels: the grid t_0 = T &gt; t_1 &gt; ... &gt; t_{N-1}
 * (from the schedule's discretization) followed by the data as level N (t = 0, alpha = 1, sigma = 0).
 * Level i + 1 is the one a sampler visits after level i. Between them the forward transition is
 * exactly
 *
 * <pre>
 *   x_i = a_i x_{i+1} + G_i z,   a_i = alpha_i / alpha_{i+1},   G_i^2 = sigma_i^2 - a_i^2 sigma_{i+1}^2,
 * </pre>
 *
 * with alpha_i = alpha(t_i), sigma_i = sigma(t_i): for variance-exploding schedules (alpha = 1) NCSN's
 * a_i = 1, G_i^2 = sigma_i^2 - sigma_{i+1}^2; for variance-preserving ones (alpha^2 + sigma^2 = 1)
 * DDPM's a_i = sqrt(1 - beta_i), G_i^2 = beta_i = 1 - alpha_i^2 / alpha_{i+1}^2; sub-VP and every
 * other schedule get their own exact transition from the same two lines.
 */
final class ForwardChain {

    /** How close to 1 every alpha must be for the chain to count as variance-exploding. */
    private static final double UNIT = 1e-12;

    private final double[] times;
    private final double[] alphas;
    private final double[] sigmas;

    private ForwardChain(double[] times, double[] alphas, double[] sigmas) {
        this.times = times;
        this.alphas = alphas;
        this.sigmas = sigmas;
    }

    /**
     * @param schedule gives alpha(t) and sigma(t)
     * @param grid decreasing times t_0 &gt; ... &gt; t_{N-1}
     * @return the chain of the grid's levels and the data
     */
    static ForwardChain of(NoiseSchedule schedule, double[] grid) {
        int n = grid.length;
        double[] times = new double[n + 1];
        double[] alphas = new double[n + 1];
        double[] sigmas = new double[n + 1];
        for (int i = 0; i < n; i++) {
            times[i] = grid[i];
            alphas[i] = schedule.alphaAt(grid[i]);
            sigmas[i] = schedule.sigmaAt(grid[i]);
        }
        alphas[n] = 1.0;
        return new ForwardChain(times, alphas, sigmas);
    }

    /** @return the number of grid levels N, which is the number of steps from t_0 to the data */
    int steps() {
        return times.length - 1;
    }

    double time(int i) {
        return times[i];
    }

    double alpha(int i) {
        return alphas[i];
    }

    double sigma(int i) {
        return sigmas[i];
    }

    /** @return a_i = alpha_i / alpha_{i+1}, for i &lt; N */
    double meanRatio(int i) {
        return alphas[i] / alphas[i + 1];
    }

    /** @return G_i^2 = sigma_i^2 - a_i^2 sigma_{i+1}^2, for i &lt; N (0 where rounding would make it negative) */
    double stepVariance(int i) {
        double a = meanRatio(i);
        return Math.max(0, sigmas[i] * sigmas[i] - a * a * sigmas[i + 1] * sigmas[i + 1]);
    }

    /** @return whether alpha = 1 at every grid level (a variance-exploding schedule: ve, geometric, edm) */
    boolean varianceExploding() {
        for (double alpha : alphas) {
            if (Math.abs(alpha - 1) > UNIT) {
                return false;
            }
        }
        return true;
    }
}
