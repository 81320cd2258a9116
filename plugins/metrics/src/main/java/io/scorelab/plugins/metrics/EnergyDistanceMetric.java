package io.scorelab.plugins.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Metric;
import io.scorelab.api.MetricInput;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.util.Map;

/**
 * The energy distance (Szekely and Rizzo) between the n model samples x_i and n fresh data samples y_j,
 * with unbiased U-statistics for the two within-set terms:
 *
 * <pre>
 *   E = 2 E||X - Y|| - E||X - X'|| - E||Y - Y'||,
 *   E_u = 2/n^2 sum_{i, j} ||x_i - y_j||
 *         - 1/(n(n-1)) sum_{i != j} ||x_i - x_j|| - 1/(n(n-1)) sum_{i != j} ||y_i - y_j||.
 * </pre>
 *
 * E is 0 exactly when the distributions are equal and positive otherwise, so estimates of a perfect model
 * scatter around 0 and may be slightly negative; 2|a - b| between point masses at a and b. Computed in
 * float64, in blocks of rows. Logged as {@code eval/energy_distance}, with the {@link Bootstrap} standard
 * error {@code eval/energy_distance_se}: each replicate is E_u of resamples of both sets, from the same
 * distance blocks as the value.
 */
public final class EnergyDistanceMetric implements Metric {

    private final int bootstrap;

    @Inject
    EnergyDistanceMetric(@Named("metric.energy_distance") Options options) {
        this(Bootstrap.replicates(options));
    }

    /** @param bootstrap the number of bootstrap replicates behind the standard error, at least 2 */
    public EnergyDistanceMetric(int bootstrap) {
        this.bootstrap = Bootstrap.checked("energy_distance", bootstrap);
    }

    @Override
    public Map<String, Double> evaluate(MetricInput input) {
        int n = Math.toIntExact(input.samples().getShape().get(0));
        if (n < 2) {
            throw new ScorelabException("energy_distance needs at least 2 samples, got " + n + " (eval.samples)");
        }
        try (NDManager scope = input.manager().newSubManager()) {
            NDArray y = Pairwise.rows(input.dataset().sample(scope, n), scope);
            // Distances do not change with a common shift; centring keeps ||a||^2 + ||b||^2 - 2 a.b accurate.
            NDArray center = y.mean(new int[] {0}, true);
            y = y.sub(center);
            NDArray x = Pairwise.rows(input.samples(), scope).sub(center);
            NDArray u = Bootstrap.counts(scope, n, bootstrap);
            NDArray v = Bootstrap.counts(scope, n, bootstrap);
            double[] xy = Pairwise.sums(x, y, u, v, (start, squaredDistance) -> squaredDistance.sqrt());
            double[] xx = withinSums(x, u);
            double[] yy = withinSums(y, v);
            double[] replicates = new double[bootstrap];
            for (int r = 0; r < bootstrap; r++) {
                replicates[r] = estimate(xy[r + 1], xx[r + 1], yy[r + 1], n);
            }
            return Map.of(
                    "energy_distance", estimate(xy[0], xx[0], yy[0], n),
                    "energy_distance_se", Bootstrap.standardError(replicates));
        }
    }

    /**
     * E_u from the sums of distances; a bootstrap resample's sum over pairs of positions k != l is u^T D u,
     * as D has a zero diagonal, so its estimate is the same expression.
     */
    private static double estimate(double xy, double xx, double yy, int n) {
        double pairs = n * (n - 1.0);
        return 2 * xy / ((double) n * n) - xx / pairs - yy / pairs;
    }

    /** @return sum_{i != j} ||a_i - a_j||, then u_r^T D u_r for each replicate, the diagonal exactly 0 */
    private static double[] withinSums(NDArray a, NDArray u) {
        return Pairwise.sums(a, a, u, u,
                (start, squaredDistance) -> squaredDistance.sqrt().mul(Pairwise.offDiagonal(start, squaredDistance)));
    }
}
