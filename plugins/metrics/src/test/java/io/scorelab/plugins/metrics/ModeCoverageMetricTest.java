package io.scorelab.plugins.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.MetricInput;
import io.scorelab.api.Modes;
import io.scorelab.api.ScorelabException;
import io.scorelab.plugins.datasets.GaussianMixtureDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModeCoverageMetricTest {

    private static final double[][] CROSS = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};

    private final ModeCoverageMetric metric = new ModeCoverageMetric(0.5, 2.0);

    /** A data set that is only its modes; the metric never samples it. */
    private static Dataset modesOnly(double[][] means, double... weights) {
        return new Dataset() {
            @Override
            public Shape exampleShape() {
                return new Shape(2);
            }

            @Override
            public NDArray sample(NDManager manager, int n) {
                throw new AssertionError("mode_coverage draws no data");
            }

            @Override
            public Optional<Modes> modes() {
                return Optional.of(new Modes(means, weights));
            }
        };
    }

    /** counts[k] points near mean k, each offset by a little less than half the distance to the next mean. */
    private static double[][] around(double[][] means, int... counts) {
        List<double[]> points = new ArrayList<>();
        for (int k = 0; k < means.length; k++) {
            for (int i = 0; i < counts[k]; i++) {
                double angle = 2 * Math.PI * i / Math.max(1, counts[k]);
                points.add(new double[] {means[k][0] + 0.3 * Math.cos(angle), means[k][1] + 0.3 * Math.sin(angle)});
            }
        }
        return points.toArray(new double[0][]);
    }

    private double coverage(double[][] samples, Dataset dataset) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(samples);
            double value = metric.evaluate(new MetricInput(x, dataset, null, null, manager)).get("mode_coverage");
            assertThat(manager.getManagedArrays()).containsExactly(x);
            return value;
        }
    }

    @Test
    void aModeIsCoveredWithinHalfToTwiceItsExpectedCount() {
        // n = 40, w = 1/4: expected 10 per mode, covered for 5..20 samples inclusive.
        Dataset cross = modesOnly(CROSS, 0.25, 0.25, 0.25, 0.25);
        assertThat(coverage(around(CROSS, 10, 10, 10, 10), cross)).isEqualTo(1.0);
        assertThat(coverage(around(CROSS, 10, 5, 4, 21), cross)).isEqualTo(0.5);
        assertThat(coverage(around(CROSS, 5, 15, 0, 20), cross)).isEqualTo(0.75);
        assertThat(coverage(around(CROSS, 40, 0, 0, 0), cross)).isEqualTo(0.0);
    }

    @Test
    void expectedCountsFollowTheWeights() {
        // n = 8 with weights 3/4, 1/4: expected 6 and 2, bands [3, 12] and [1, 4].
        double[][] pair = {{-2, 0}, {2, 0}};
        Dataset skewed = modesOnly(pair, 0.75, 0.25);
        assertThat(coverage(around(pair, 7, 1), skewed)).isEqualTo(1.0);
        assertThat(coverage(around(pair, 4, 4), skewed)).isEqualTo(1.0);
        assertThat(coverage(around(pair, 3, 5), skewed)).isEqualTo(0.5);
        assertThat(coverage(around(pair, 8, 0), skewed)).isEqualTo(0.5);
    }

    @Test
    void theQuickstartMixtureCoversItselfAndMissesADroppedMode() {
        GaussianMixtureDataset gmm = new GaussianMixtureDataset(8, 4.0, 0.2, new double[0]);
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            // With n = 2000 each count is Binomial(2000, 1/8): 250 +- 15, far inside [125, 500].
            NDArray data = gmm.sample(manager, 2000);
            assertThat(metric.evaluate(new MetricInput(data, gmm, null, null, manager)))
                    .containsEntry("mode_coverage", 1.0);
        }
        double[][] ring = gmm.modes().orElseThrow().means();
        assertThat(coverage(around(ring, 250, 250, 250, 250, 250, 250, 250, 0), gmm)).isEqualTo(7 / 8.0);
    }

    @Test
    void aDatasetWithoutModesIsAUserError() {
        Dataset plain = new Dataset() {
            @Override
            public Shape exampleShape() {
                return new Shape(2);
            }

            @Override
            public NDArray sample(NDManager manager, int n) {
                return manager.zeros(new Shape(n, 2));
            }
        };
        assertThatThrownBy(() -> coverage(CROSS, plain))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("mode_coverage needs a dataset with modes")
                .hasMessageContaining("dataset=gmm");
    }
}
