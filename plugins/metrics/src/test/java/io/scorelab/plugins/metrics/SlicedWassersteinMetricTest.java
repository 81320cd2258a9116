package io.scorelab.plugins.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.MetricInput;
import io.scorelab.api.ScorelabException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlicedWassersteinMetricTest {

    private final SlicedWassersteinMetric metric = new SlicedWassersteinMetric(256, 20);

    private Map<String, Double> evaluate(Dataset model, Dataset data, int n, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray samples = model.sample(manager, n);
            List<NDArray> before = List.copyOf(manager.getManagedArrays());
            Map<String, Double> values = metric.evaluate(new MetricInput(samples, data, null, null, manager));
            assertThat(manager.getManagedArrays()).containsExactlyInAnyOrderElementsOf(before);
            assertThat(values).containsOnlyKeys("sliced_wasserstein", "sliced_wasserstein_se");
            return values;
        }
    }

    @Test
    void identicalSetsAreAtDistanceZero() {
        double[][] points = {{0, 0}, {1, 0}, {2, 5}, {-3, 1}};
        // Every projection of x equals that of y, sorted or not; float64 arithmetic.
        assertThat(evaluate(ToyData.fixed(points), ToyData.fixed(points), 4, 1).get("sliced_wasserstein"))
                .isCloseTo(0.0, within(1e-12));
    }

    @Test
    void threePointSetsGiveTheHandComputedDistanceIn1D() {
        // In 1-D the directions are +1 and -1, and both pair the sorted values: x = {4, 0, 1} sorted (0, 1, 4)
        // against y = (0, 1, 2) gives W2^2 = (0 + 0 + 4) / 3; pairing unsorted values would give 18 / 3.
        double[][] x = {{4}, {0}, {1}};
        double[][] y = {{0}, {1}, {2}};
        assertThat(evaluate(ToyData.fixed(x), ToyData.fixed(y), 3, 2).get("sliced_wasserstein"))
                .isCloseTo(Math.sqrt(4.0 / 3), within(1e-12));
    }

    /**
     * N(c, 1) against N(0, 1) in 1-D: W2 = |c|. The estimator's spread is sqrt(2 / n) = 0.032 at n = 2000
     * (W2^2 ~ c^2 + 2 c (mean x - mean y - c) to first order) and its upward bias E W2^2(F_n, G_n) / (2 c) below
     * 0.002 (measured W2^2 of two samples of one Gaussian at n = 2000: 0.003).
     */
    @Test
    void aShiftedGaussianIsAtTheShiftIn1D() {
        Map<String, Double> values = evaluate(ToyData.normal(1, 1.5f, 1), ToyData.normal(1, 0, 1), 2000, 3);
        // The bootstrap SE against the first-order spread: within a factor 1.5 (20 replicates give the SE
        // to about 16%, 1 / sqrt(2 * 19)).
        assertThat(values.get("sliced_wasserstein_se")).isBetween(0.032 / 1.5, 0.032 * 1.5);
        // 4 of the reported standard errors.
        assertThat(values.get("sliced_wasserstein")).isCloseTo(1.5, within(4 * values.get("sliced_wasserstein_se")));
    }

    @Test
    void gaussiansWithStandardDeviations1And2AreAtDistance1In1D() {
        // W2(N(0, s1^2), N(0, s2^2)) = |s1 - s2| in 1-D; n = 2000, 4 of the reported standard errors.
        Map<String, Double> values = evaluate(ToyData.normal(1, 0, 2), ToyData.normal(1, 0, 1), 2000, 4);
        assertThat(values.get("sliced_wasserstein")).isCloseTo(1.0, within(4 * values.get("sliced_wasserstein_se")));
    }

    /**
     * N(c, I) against N(0, I) in 2-D with |c| = 3: along a uniform direction theta the W2 is |theta . c|, so
     * SW2^2 = E (theta . c)^2 = |c|^2 / 2 and SW2 = 3 / sqrt(2) = 2.121. Directions drawn from a cube instead of
     * the circle would give a different mean of cos^2. The random directions add to the spread (sd of
     * 9 cos^2 over 256 directions: 0.2 on SW2^2, 0.047 on SW2), which the bootstrap redraws.
     */
    @Test
    void inTwoDimensionsAShiftCountsWithTheMeanOfCosineSquared() {
        Dataset shifted = new Dataset() {
            @Override
            public Shape exampleShape() {
                return new Shape(2);
            }

            @Override
            public NDArray sample(NDManager manager, int n) {
                return ToyData.normal(2, 0, 1).sample(manager, n).add(manager.create(new float[] {3, 0}));
            }
        };
        Map<String, Double> values = evaluate(shifted, ToyData.normal(2, 0, 1), 1000, 5);
        // 4 of the reported standard errors.
        assertThat(values.get("sliced_wasserstein"))
                .isCloseTo(3 / Math.sqrt(2), within(4 * values.get("sliced_wasserstein_se")));
    }

    @Test
    void badArgumentsAreUserErrors() {
        assertThatThrownBy(() -> new SlicedWassersteinMetric(0, 20))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("at least 1 projection");
        assertThatThrownBy(() -> new SlicedWassersteinMetric(16, 1))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("bootstrap >= 2");
    }
}
