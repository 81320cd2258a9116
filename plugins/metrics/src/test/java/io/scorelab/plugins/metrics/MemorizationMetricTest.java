package io.scorelab.plugins.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.MetricInput;
import io.scorelab.api.ScorelabException;
import io.scorelab.plugins.datasets.DigitsDataset;
import io.scorelab.plugins.datasets.PixelTransform;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class MemorizationMetricTest {

    private final MemorizationMetric metric = new MemorizationMetric(2000);

    private Map<String, Double> evaluate(NDArray samples, Dataset data, NDManager manager) {
        List<NDArray> before = List.copyOf(manager.getManagedArrays());
        Map<String, Double> values = metric.evaluate(new MetricInput(samples, data, null, null, manager));
        assertThat(manager.getManagedArrays()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(values).containsOnlyKeys("memorization", "memorization_se");
        return values;
    }

    @Test
    void copiesOfTrainingImagesAreAllMemorized() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            // 50 images drawn with replacement: the 2000 reference draws hold each about 40 times (all 50 but
            // with probability 50 (49/50)^2000 = 1e-16). Repeats are no neighbours, or the 1st percentile of
            // the nearest-neighbour distances would be 0 and nothing would count.
            NDArray pool = manager.randomUniform(-1f, 1f, new Shape(50, 1, 4, 4), DataType.FLOAT32);
            Map<String, Double> values = evaluate(pool.duplicate(), ToyData.noiseImages(pool), manager);
            assertThat(values.get("memorization")).isEqualTo(1.0);
            assertThat(values.get("memorization_se")).isEqualTo(0.0);
        }
    }

    @Test
    void freshDrawsOfAContinuousDistributionScoreAboutOnePercent() {
        Engine.getInstance().setRandomSeed(2);
        try (NDManager manager = NDManager.newBaseManager()) {
            Dataset noise = ToyData.noiseImages(null);
            // A fresh draw's distance to the nearest of 2000 reference images is distributed as a reference
            // image's distance to the nearest of the others, so P(below the 1st percentile) = 0.01. Spread:
            // the samples' binomial sd sqrt(0.01 * 0.99 / 2000) = 0.0022 and as much again from where the
            // threshold falls among 2000 distances: 0.0031 in all; 4 of those.
            Map<String, Double> values = evaluate(noise.sample(manager, 2000), noise, manager);
            assertThat(values.get("memorization")).isCloseTo(0.01, within(4 * 0.0031));
            // The reported SE is the binomial one of the value itself.
            double m = values.get("memorization");
            assertThat(values.get("memorization_se")).isCloseTo(Math.sqrt(m * (1 - m) / 2000), within(1e-12));
        }
    }

    @Test
    void dequantizedDrawsOfTheDigitsCopyThem() {
        // 100 digits (8 x 8) drawn with replacement and fresh dequantization noise: a draw is within
        // 2 / 256 per pixel of another draw of the same digit, far closer than any two different digits.
        DigitsDataset digits = new DigitsDataset(new PixelTransform(-1, 1, true, false), OptionalInt.of(100));
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(evaluate(digits.sample(manager, 500), digits, manager).get("memorization")).isEqualTo(1.0);
        } finally {
            digits.close();
        }
    }

    @Test
    void dataWithoutImagesIsAUserError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.zeros(new Shape(4, 2));
            assertThatThrownBy(() -> evaluate(x, ToyData.normal(2, 0, 1), manager))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("memorization needs image data");
        }
    }

    @Test
    void oneImageIsNoTrainingSet() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray pool = manager.zeros(new Shape(1, 1, 4, 4));
            assertThatThrownBy(() -> evaluate(pool.duplicate(), ToyData.noiseImages(pool), manager))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("all are the same image");
        }
        assertThatThrownBy(() -> new MemorizationMetric(1))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("at least 2 reference images");
    }
}
