package io.scorelab.plugins.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Metric;
import io.scorelab.api.MetricInput;
import io.scorelab.api.Modes;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.util.Map;

/**
 * The fraction of a mixture's K modes that n samples cover: each sample counts for its nearest mean,
 * and mode k (mean mu_k, weight w_k) is covered when its count is close to what the data would give,
 *
 * <pre>
 *   c_k = #{i : argmin_j ||x_i - mu_j|| = k},
 *   coverage = (1 / K) #{k : min_ratio n w_k &lt;= c_k &lt;= max_ratio n w_k}   (ratios 0.5 and 2 by default).
 * </pre>
 *
 * A model that drops a mode, or piles samples onto one, loses that mode. Needs a data set with
 * {@link io.scorelab.api.Dataset#modes() modes}, such as {@code gmm}. Logged as {@code eval/mode_coverage}.
 */
public final class ModeCoverageMetric implements Metric {

    private final double minRatio;
    private final double maxRatio;

    @Inject
    ModeCoverageMetric(@Named("metric.mode_coverage") Options options) {
        this(options.positiveDouble("min_ratio"), readMaxRatio(options));
    }

    /**
     * @param minRatio the fewest samples a covered mode gets, as a multiple of n w_k; positive
     * @param maxRatio the most, as a multiple of n w_k; greater than minRatio
     */
    public ModeCoverageMetric(double minRatio, double maxRatio) {
        if (!(minRatio > 0 && maxRatio > minRatio) || Double.isInfinite(maxRatio)) {
            throw new ScorelabException("mode_coverage needs 0 < min_ratio < max_ratio, got min_ratio = "
                    + minRatio + ", max_ratio = " + maxRatio);
        }
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
    }

    private static double readMaxRatio(Options options) {
        double minRatio = options.positiveDouble("min_ratio");
        double maxRatio = options.positiveDouble("max_ratio");
        if (maxRatio <= minRatio) {
            throw options.invalid("max_ratio", "a number greater than " + options.path() + ".min_ratio = " + minRatio);
        }
        return maxRatio;
    }

    @Override
    public Map<String, Double> evaluate(MetricInput input) {
        Modes modes = input.dataset().modes().orElseThrow(() -> new ScorelabException(
                "metric mode_coverage needs a dataset with modes, for example dataset=gmm; the dataset "
                        + input.dataset().getClass().getSimpleName() + " has none"));
        long n = input.samples().getShape().get(0);
        double[] counts;
        try (NDManager scope = input.manager().newSubManager()) {
            NDArray x = input.samples().toType(DataType.FLOAT64, true);
            x.attach(scope);
            x = x.reshape(n, -1);
            NDArray means = scope.create(modes.means());
            NDArray squaredDistance = x.square().sum(new int[] {1}, true)
                    .add(means.square().sum(new int[] {1}).reshape(1, -1))
                    .sub(x.matMul(means.transpose()).mul(2));
            counts = squaredDistance.argMin(1).oneHot(modes.count(), DataType.FLOAT64)
                    .sum(new int[] {0})
                    .toDoubleArray();
        }
        int covered = 0;
        for (int k = 0; k < modes.count(); k++) {
            double expected = n * modes.weights()[k];
            if (counts[k] >= minRatio * expected && counts[k] <= maxRatio * expected) {
                covered++;
            }
        }
        return Map.of("mode_coverage", covered / (double) modes.count());
    }
}
