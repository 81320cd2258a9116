package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.Sampler;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;

/**
 * Karras et al. 2022, Algorithm 2: Heun's method on the probability-flow ODE dx/dt = -t s(x, t) in the
 * noise level t = sigma, with optional churn. With D(x, t) = x + t^2 s(x, t) the denoiser and x_0 ~
 * N(0, t_0^2 I):
 *
 * <pre>
 *   t_i = (sigma_max^(1/rho) + i / (N - 1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho,  i &lt; N,   t_N = 0,
 *   gamma_i = min(S_churn / N, sqrt(2) - 1) if t_i in [S_min, S_max], else 0,
 *   t_hat = t_i (1 + gamma_i),   x_hat = x_i + sqrt(t_hat^2 - t_i^2) S_noise z,
 *   d_i = (x_hat - D(x_hat, t_hat)) / t_hat,   x_{i+1} = x_hat + (t_{i+1} - t_hat) d_i,
 *   if t_{i+1} != 0:  d'_i = (x_{i+1} - D(x_{i+1}, t_{i+1})) / t_{i+1},   x_{i+1} = x_hat + (t_{i+1} - t_hat) (d_i + d'_i) / 2.
 * </pre>
 *
 * Needs a schedule with alpha = 1 (edm, ve, geometric): the score model is called at the schedule time
 * of each level, t = timeOfSigma(sigma). sigma_min and sigma_max default to sigma(t_eps) and sigma(T);
 * t_hat is capped at sigma(T), the largest level the schedule knows. Costs 2N - 1 score evaluations.
 */
public final class EdmSampler implements Sampler {

    private static final double UNIT = 1e-12;

    private final int steps;
    private final double rho;
    private final double churn;
    private final double churnMin;
    private final double churnMax;
    private final double churnNoise;
    private final double sigmaMin;
    private final double sigmaMax;

    @Inject
    EdmSampler(@Named("sampler") Options options) {
        this(readSteps(options), options.positiveDouble("rho"), nonNegative(options, "s_churn"),
                nonNegative(options, "s_min"), options.has("s_max") ? nonNegative(options, "s_max") : Double.POSITIVE_INFINITY,
                nonNegative(options, "s_noise"), options.has("sigma_min") ? options.positiveDouble("sigma_min") : Double.NaN,
                options.has("sigma_max") ? options.positiveDouble("sigma_max") : Double.NaN);
    }

    private static int readSteps(Options options) {
        int steps = options.getInt("steps");
        if (steps < 2) {
            throw options.invalid("steps", "an integer >= 2");
        }
        return steps;
    }

    private static double nonNegative(Options options, String key) {
        double value = options.getDouble(key);
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw options.invalid(key, "a number >= 0");
        }
        return value;
    }

    /**
     * @param steps N, at least 2
     * @param rho the grid's exponent, positive (7 in EDM)
     * @param churn S_churn, at least 0 (0: deterministic)
     * @param churnMin S_min, the smallest level that gets churn
     * @param churnMax S_max, the largest level that gets churn (infinity for all)
     * @param churnNoise S_noise, the scale of the churn noise
     * @param sigmaMin the smallest level; NaN for the schedule's sigma(t_eps)
     * @param sigmaMax the largest level; NaN for the schedule's sigma(T)
     */
    public EdmSampler(int steps, double rho, double churn, double churnMin, double churnMax, double churnNoise,
            double sigmaMin, double sigmaMax) {
        if (!(steps >= 2 && rho > 0 && Double.isFinite(rho) && churn >= 0 && Double.isFinite(churn) && churnMin >= 0
                && churnMax >= churnMin && churnNoise >= 0 && Double.isFinite(churnNoise))) {
            throw new ScorelabException("edm needs steps >= 2, rho > 0, s_churn >= 0, 0 <= s_min <= s_max and s_noise >= 0,"
                    + " got steps = " + steps + ", rho = " + rho + ", s_churn = " + churn + ", s_min = " + churnMin
                    + ", s_max = " + churnMax + ", s_noise = " + churnNoise);
        }
        if (sigmaMin <= 0 || sigmaMax <= 0 || sigmaMin >= sigmaMax) {
            throw new ScorelabException("edm needs 0 < sigma_min < sigma_max, got sigma_min = " + sigmaMin
                    + ", sigma_max = " + sigmaMax);
        }
        this.steps = steps;
        this.rho = rho;
        this.churn = churn;
        this.churnMin = churnMin;
        this.churnMax = churnMax;
        this.churnNoise = churnNoise;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
    }

    @Override
    public SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        double lowest = schedule.sigmaAt(schedule.tMin());
        double highest = schedule.sigmaAt(schedule.tMax());
        if (Math.abs(schedule.alphaAt(schedule.tMin()) - 1) > UNIT || Math.abs(schedule.alphaAt(schedule.tMax()) - 1) > UNIT) {
            throw new ScorelabException("sampler=edm needs a schedule with alpha(t) = 1 (edm, ve or geometric); this one has"
                    + " alpha(T) = " + schedule.alphaAt(schedule.tMax()) + ": use ddim, pc or ode instead");
        }
        double bottom = Double.isNaN(sigmaMin) ? lowest : sigmaMin;
        double top = Double.isNaN(sigmaMax) ? highest : sigmaMax;
        if (!(bottom >= lowest * (1 - 1e-9) && top <= highest * (1 + 1e-9) && bottom < top)) {
            throw new ScorelabException("sampler.sigma_min = " + bottom + " and sampler.sigma_max = " + top
                    + " must lie in the schedule's noise levels [" + lowest + ", " + highest + "], in that order");
        }
        double[] levels = levels(bottom, top);
        double gamma = Math.min(churn / steps, Math.sqrt(2) - 1);
        ReverseProcess process = new ReverseProcess(model, schedule, noise, manager);
        NDArray x;
        try (NDArray z = noise.normal(manager, shape, DataType.FLOAT32)) {
            x = process.start(z.mul(top), schedule.timeOfSigma(top));
        }
        for (int i = 0; i < steps; i++) {
            double level = levels[i];
            double next = levels[i + 1];
            double raised = level >= churnMin && level <= churnMax ? level * (1 + gamma) : level;
            double hat = Math.min(raised, Math.max(level, highest));
            double hatTime = schedule.timeOfSigma(hat);
            double nextTime = next > 0 ? schedule.timeOfSigma(next) : 0;
            x = process.advance(x, nextTime, y -> {
                NDArray xHat = hat > level
                        ? y.add(process.noise(y).mul(churnNoise * Math.sqrt(hat * hat - level * level)))
                        : y;
                NDArray d = process.score(xHat, hatTime).mul(-hat);
                NDArray euler = xHat.add(d.mul(next - hat));
                if (next == 0) {
                    return euler;
                }
                NDArray dNext = process.score(euler, nextTime).mul(-next);
                return xHat.add(d.add(dNext).mul((next - hat) / 2));
            });
        }
        return process.result(x);
    }

    /** @return t_0 = sigma_max &gt; ... &gt; t_{N-1} = sigma_min (both ends exactly), then t_N = 0 */
    double[] levels(double bottom, double top) {
        double[] levels = new double[steps + 1];
        double a = Math.pow(top, 1 / rho);
        double b = Math.pow(bottom, 1 / rho);
        for (int i = 0; i < steps; i++) {
            levels[i] = Math.pow(a + (double) i / (steps - 1) * (b - a), rho);
        }
        levels[0] = top;
        levels[steps - 1] = bottom;
        return levels;
    }
}
