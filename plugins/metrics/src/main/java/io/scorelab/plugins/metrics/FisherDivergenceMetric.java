package io.scorelab.plugins.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.AnalyticDensity;
import io.scorelab.api.Metric;
import io.scorelab.api.MetricInput;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Fisher divergence between the model's score and the exact score of the noised data at a few noise
 * levels sigma, a Monte Carlo mean over n fresh data points x_0 and noises z:
 *
 * <pre>
 *   F(sigma) = E ||s_theta(x_t, t) - grad log p_t(x_t)||^2,   x_t = alpha x_0 + sigma z,   t = t(sigma),
 *   grad log p_t(x) = score_{sigma / alpha}(x / alpha) / alpha,
 *   SE(sigma) = sd_i(e_i) / sqrt(n),   e_i = ||s_theta(x_t,i, t) - grad log p_t(x_t,i)||^2,
 * </pre>
 *
 * with alpha = alpha(t) of the schedule and score_sigma the data set's {@link AnalyticDensity}; so it needs
 * data with an exact density (gaussian, gmm). Logged as {@code eval/fisher/<sigma>} and
 * {@code eval/fisher/<sigma>_se}, sigma to 3 significant digits without trailing zeros ({@code fisher/0.01}).
 * Levels outside the schedule's range [sigma(t_min), sigma(t_max)] are skipped (no key); if every level is
 * outside, the metric fails with the range.
 */
public final class FisherDivergenceMetric implements Metric {

    private final double[] sigmas;
    private final String[] keys;
    private final int samples;

    @Inject
    FisherDivergenceMetric(@Named("metric.fisher") Options options) {
        this(readSigmas(options), readSamples(options));
    }

    /**
     * @param sigmas the noise levels, positive, distinct to 3 significant digits; at least one
     * @param samples the number n of data points per level, at least 2
     */
    public FisherDivergenceMetric(double[] sigmas, int samples) {
        if (sigmas.length == 0) {
            throw new ScorelabException("fisher needs at least one noise level in sigmas");
        }
        if (samples < 2) {
            throw new ScorelabException("fisher needs samples >= 2 for its standard error, got " + samples);
        }
        for (double sigma : sigmas) {
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new ScorelabException("fisher sigmas must be positive and finite, got " + sigma);
            }
        }
        String duplicate = duplicateKey(sigmas);
        if (duplicate != null) {
            throw new ScorelabException("fisher sigmas " + Arrays.toString(sigmas) + " name the key fisher/" + duplicate
                    + " twice; give noise levels that differ in 3 significant digits");
        }
        this.sigmas = sigmas.clone();
        this.keys = Arrays.stream(sigmas).mapToObj(sigma -> "fisher/" + level(sigma)).toArray(String[]::new);
        this.samples = samples;
    }

    private static double[] readSigmas(Options options) {
        List<Double> values = options.getDoubleList("sigmas");
        if (values.isEmpty() || values.stream().anyMatch(s -> !(s > 0) || s.isInfinite())) {
            throw options.invalid("sigmas", "a non-empty list of positive numbers");
        }
        double[] sigmas = values.stream().mapToDouble(Double::doubleValue).toArray();
        if (duplicateKey(sigmas) != null) {
            throw options.invalid("sigmas", "noise levels that differ in 3 significant digits (each names a key "
                    + "fisher/<sigma>), but two round to " + duplicateKey(sigmas));
        }
        return sigmas;
    }

    /** @return the first level that two sigmas round to, or null when all differ in 3 significant digits */
    private static String duplicateKey(double[] sigmas) {
        Set<String> seen = new HashSet<>();
        for (double sigma : sigmas) {
            if (!seen.add(level(sigma))) {
                return level(sigma);
            }
        }
        return null;
    }

    private static int readSamples(Options options) {
        int samples = options.getInt("samples");
        if (samples < 2) {
            throw options.invalid("samples", "an integer >= 2");
        }
        return samples;
    }

    /** @return sigma to 3 significant digits, in plain notation without trailing zeros: 0.01, 0.1, 1, 50 */
    static String level(double sigma) {
        return new BigDecimal(sigma).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    @Override
    public Map<String, Double> evaluate(MetricInput input) {
        AnalyticDensity density = input.dataset().density().orElseThrow(() -> new ScorelabException(
                "metric fisher needs exact scores of the data, a dataset with a known density such as "
                        + "dataset=gaussian or dataset=gmm; the dataset "
                        + input.dataset().getClass().getSimpleName() + " has none"));
        NoiseSchedule schedule = input.schedule();
        double lowest = schedule.sigmaAt(schedule.tMin());
        double highest = schedule.sigmaAt(schedule.tMax());
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < sigmas.length; i++) {
            // Within the schedule's tolerance of an end counts as that end (sigma_min sits just below sigma(t_eps)).
            if (sigmas[i] >= lowest * (1 - NoiseSchedule.RANGE_TOLERANCE)
                    && sigmas[i] <= highest * (1 + NoiseSchedule.RANGE_TOLERANCE)) {
                double sigma = Math.min(Math.max(sigmas[i], lowest), highest);
                try (NDManager scope = input.manager().newSubManager()) {
                    double[] meanAndError = divergence(input, density, schedule.timeOfSigma(sigma), scope);
                    values.put(keys[i], meanAndError[0]);
                    values.put(keys[i] + "_se", meanAndError[1]);
                }
            }
        }
        if (values.isEmpty()) {
            throw new ScorelabException("metric fisher: every noise level of metric.fisher.sigmas = "
                    + Arrays.toString(sigmas) + " is outside the schedule's range [" + lowest + ", " + highest
                    + "]; choose levels inside it");
        }
        return values;
    }

    /** @return the mean of e_i over n fresh points at time t, and its standard error */
    private double[] divergence(MetricInput input, AnalyticDensity density, double t, NDManager scope) {
        NoiseSchedule schedule = input.schedule();
        double alpha = schedule.alphaAt(t);
        double sigma = schedule.sigmaAt(t);
        NDArray x0 = input.dataset().sample(scope, samples);
        NDArray xt = x0.mul(alpha).add(scope.randomNormal(0f, (float) sigma, x0.getShape(), x0.getDataType()));
        NDArray model = input.model().score(xt, scope.full(new Shape(samples), (float) t))
                .toType(DataType.FLOAT64, false);
        NDArray exact = density.score(xt.toType(DataType.FLOAT64, false).div(alpha), scope.create(sigma / alpha))
                .div(alpha);
        NDArray e = model.sub(exact).square().reshape(samples, -1).sum(new int[] {1});
        double mean = e.mean().getDouble();
        double variance = e.sub(mean).square().sum().getDouble() / (samples - 1);
        return new double[] {mean, Math.sqrt(variance / samples)};
    }
}
