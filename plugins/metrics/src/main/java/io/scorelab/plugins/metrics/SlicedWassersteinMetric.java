package io.scorelab.plugins.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Metric;
import io.scorelab.api.MetricInput;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.util.Map;

/**
 * The sliced 2-Wasserstein distance between the n model samples x_i and n fresh data samples y_i: along
 * each of L random unit directions theta_l (uniform on the sphere, drawn on the device with the engine's
 * generator) the 1-D W2 of the projections is the mean squared difference of the sorted values,
 *
 * <pre>
 *   SW2 = sqrt( 1/L sum_l 1/n sum_i (theta_l . x_(i)  -  theta_l . y_(i))^2 ),
 * </pre>
 *
 * with (i) the i-th smallest projection along theta_l. For N(0, I) against N(c, I) in d dimensions it is
 * |c| / sqrt(d); in 1-D it is the W2 distance (|c| for a shift by c, |s_1 - s_2| between N(0, s_1^2) and
 * N(0, s_2^2)). At finite n it is biased upwards, about n^-1/2 for equal distributions. Logged as
 * {@code eval/sliced_wasserstein}, with the {@link Bootstrap} standard error
 * {@code eval/sliced_wasserstein_se}: each replicate resamples both sets and draws new directions.
 * Computed in float64.
 */
public final class SlicedWassersteinMetric implements Metric {

    private final int projections;
    private final int bootstrap;

    @Inject
    SlicedWassersteinMetric(@Named("metric.sliced_wasserstein") Options options) {
        this(options.positiveInt("projections"), Bootstrap.replicates(options));
    }

    /**
     * @param projections the number L of random directions, at least 1
     * @param bootstrap the number of bootstrap replicates behind the standard error, at least 2
     */
    public SlicedWassersteinMetric(int projections, int bootstrap) {
        if (projections < 1) {
            throw new ScorelabException("sliced_wasserstein needs at least 1 projection, got " + projections);
        }
        this.projections = projections;
        this.bootstrap = Bootstrap.checked("sliced_wasserstein", bootstrap);
    }

    @Override
    public Map<String, Double> evaluate(MetricInput input) {
        int n = Math.toIntExact(input.samples().getShape().get(0));
        try (NDManager scope = input.manager().newSubManager()) {
            NDArray x = Pairwise.rows(input.samples(), scope);
            NDArray y = Pairwise.rows(input.dataset().sample(scope, n), scope);
            double value = distance(x, y);
            double[] replicates = new double[bootstrap];
            for (int r = 0; r < bootstrap; r++) {
                try (NDManager replicate = scope.newSubManager()) {
                    replicates[r] = distance(
                            x.get(replicate, new NDIndex("{}", Bootstrap.indices(replicate, n))),
                            y.get(replicate, new NDIndex("{}", Bootstrap.indices(replicate, n))));
                }
            }
            return Map.of("sliced_wasserstein", value, "sliced_wasserstein_se", Bootstrap.standardError(replicates));
        }
    }

    /** @return SW2 of two sets of rows along fresh directions, made in the manager of x */
    private double distance(NDArray x, NDArray y) {
        NDManager manager = x.getManager();
        long d = x.getShape().get(1);
        NDArray theta = manager.randomNormal(0f, 1f, new Shape(d, projections), DataType.FLOAT32)
                .toType(DataType.FLOAT64, false);
        theta = theta.div(theta.square().sum(new int[] {0}, true).sqrt());
        NDArray difference = x.matMul(theta).sort(0).sub(y.matMul(theta).sort(0));
        return Math.sqrt(difference.square().mean().getDouble());
    }
}
