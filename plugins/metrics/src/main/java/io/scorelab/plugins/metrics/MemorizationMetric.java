package io.scorelab.plugins.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.ImageData;
import io.scorelab.api.Metric;
import io.scorelab.api.MetricInput;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.util.Arrays;
import java.util.Map;

/**
 * The fraction of model samples that copy a training image: with the training set stood in for by N fresh
 * draws r_1, ..., r_N of the image data set, a sample is memorized when its nearest training image is closer
 * than the training images come to one another,
 *
 * <pre>
 *   delta_k = min_{j : r_j another image than r_k} ||r_k - r_j||,   tau = 1st percentile of delta_1, ..., delta_N,
 *   memorization = (1/n) #{ i : min_j ||x_i - r_j|| &lt; tau },   SE = sqrt(m (1 - m) / n),
 * </pre>
 *
 * distances in model space (the flattened images). The data sets draw with replacement, so the N draws
 * repeat images; two draws are the same image when their 8-bit pixels floor(256 v) agree (v the intensity
 * in [0, 1], which dequantization noise does not change), and a repeat is not a neighbour. The percentile
 * interpolates linearly between order statistics (numpy's default). Fresh draws of a continuous
 * distribution score about 0.01, exact or dequantized copies of the N draws 1.0; copies of training
 * images outside the N draws count only when they happen to lie that close. The SE counts the samples'
 * binomial error with tau held fixed. Logged as {@code eval/memorization} and
 * {@code eval/memorization_se}.
 */
public final class MemorizationMetric implements Metric {

    /** The percentile of the training images' nearest-neighbour distances below which a sample is a copy. */
    static final double PERCENTILE = 1.0;

    private final int reference;

    @Inject
    MemorizationMetric(@Named("metric.memorization") Options options) {
        this(readReference(options));
    }

    /** @param reference the number N of data draws that stand in for the training set, at least 2 */
    public MemorizationMetric(int reference) {
        if (reference < 2) {
            throw new ScorelabException("memorization needs at least 2 reference images, got " + reference);
        }
        this.reference = reference;
    }

    private static int readReference(Options options) {
        int reference = options.getInt("reference");
        if (reference < 2) {
            throw options.invalid("reference", "an integer >= 2");
        }
        return reference;
    }

    @Override
    public Map<String, Double> evaluate(MetricInput input) {
        ImageData images = input.dataset().images().orElseThrow(() -> new ScorelabException(
                "metric memorization needs image data, for example dataset=digits, cifar10 or idx; the dataset "
                        + input.dataset().getClass().getSimpleName() + " is not one"));
        int n = Math.toIntExact(input.samples().getShape().get(0));
        try (NDManager scope = input.manager().newSubManager()) {
            NDArray draws = input.dataset().sample(scope, reference);
            NDArray r = Pairwise.rows(draws, scope);
            NDArray identity = identities(Pairwise.rows(images.toUnitRange(draws), scope));
            double tau = threshold(nearestOtherImage(r, identity));
            double[] copies = {0};
            Pairwise.forEachBlock(Pairwise.rows(input.samples(), scope), r, (start, squaredDistance) ->
                    copies[0] += squaredDistance.min(new int[] {1}).sqrt().lt(tau)
                            .toType(DataType.FLOAT64, false).sum().getDouble());
            double fraction = copies[0] / n;
            return Map.of("memorization", fraction, "memorization_se", Math.sqrt(fraction * (1 - fraction) / n));
        }
    }

    /**
     * @param intensities the draws as rows of intensities v in [0, 1]
     * @return one number per draw, equal for draws with the same 8-bit pixels p = floor(256 v): p . w with
     *     random integer weights w, exact in float64, so different images collide with probability about 1 / w_max
     */
    private static NDArray identities(NDArray intensities) {
        long d = intensities.getShape().get(1);
        long most = Math.min(1L << 30, (1L << 53) / (257 * d));
        NDArray weights = intensities.getManager().randomInteger(0, most, new Shape(d), DataType.INT64)
                .toType(DataType.FLOAT64, false);
        return intensities.mul(256).floor().matMul(weights);
    }

    /** @return delta_k, the distance of each draw to its nearest draw of another image (infinite if none) */
    private static double[] nearestOtherImage(NDArray r, NDArray identity) {
        double[] nearest = new double[Math.toIntExact(r.getShape().get(0))];
        NDArray columns = identity.reshape(1, -1);
        Pairwise.forEachBlock(r, r, (start, squaredDistance) -> {
            NDManager block = squaredDistance.getManager();
            long rows = squaredDistance.getShape().get(0);
            NDArray same = identity.get(block, new NDIndex("{}:{}", start, start + rows)).reshape(-1, 1).eq(columns);
            NDArray apart = NDArrays.where(
                    same, block.full(squaredDistance.getShape(), Float.POSITIVE_INFINITY, DataType.FLOAT64),
                    squaredDistance);
            double[] distances = apart.min(new int[] {1}).sqrt().toDoubleArray();
            System.arraycopy(distances, 0, nearest, Math.toIntExact(start), distances.length);
        });
        return nearest;
    }

    /** @return tau, the {@value #PERCENTILE}th percentile of the finite distances, linearly interpolated */
    private double threshold(double[] nearest) {
        double[] sorted = Arrays.stream(nearest).filter(Double::isFinite).sorted().toArray();
        if (sorted.length == 0) {
            throw new ScorelabException("memorization needs at least 2 different images among its " + reference
                    + " reference draws of the data set (metric.memorization.reference), but all are the same image");
        }
        double position = PERCENTILE / 100 * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
