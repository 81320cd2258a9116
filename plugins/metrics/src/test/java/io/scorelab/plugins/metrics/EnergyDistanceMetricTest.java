package io.scorelab.plugins.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.scorelab.api.Dataset;
import io.scorelab.api.MetricInput;
import io.scorelab.api.ScorelabException;
import io.scorelab.plugins.datasets.GaussianMixtureDataset;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnergyDistanceMetricTest {

    private final EnergyDistanceMetric metric = new EnergyDistanceMetric(20);

    private Map<String, Double> evaluate(NDArray samples, Dataset data, NDManager manager) {
        Map<String, Double> values = metric.evaluate(new MetricInput(samples, data, null, null, manager));
        assertThat(manager.getManagedArrays()).containsExactly(samples);
        assertThat(values).containsOnlyKeys("energy_distance", "energy_distance_se");
        return values;
    }

    @Test
    void pointMassesAtAAndBAreAtTwiceTheirDistance() {
        // X = a, Y = b: 2 |a - b| - 0 - 0, in every bootstrap replicate too, so the SE is 0. float64 arithmetic.
        double[][] a = new double[50][];
        double[][] b = new double[50][];
        Arrays.fill(a, new double[] {2, 1});
        Arrays.fill(b, new double[] {-1, -3});
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Double> values = evaluate(manager.create(a), ToyData.fixed(b), manager);
            assertThat(values.get("energy_distance")).isCloseTo(2 * 5.0, within(1e-9));
            assertThat(values.get("energy_distance_se")).isCloseTo(0.0, within(1e-9));
        }
    }

    @Test
    void twoPointsGiveTheHandComputedUnbiasedEstimate() {
        // x = {(0,0), (3,4)}, y = {(0,0), (0,1)}: cross distances 0, 1, 5, sqrt(18); within x 5, within y 1.
        // E_u = 2 (6 + sqrt 18) / 4 - 2 * 5 / 2 - 2 * 1 / 2 = sqrt(18) / 2 - 3 < 0: the within terms are
        // U-statistics (the V-statistic, dividing by n^2, would give sqrt(18) / 2 instead). float64 arithmetic.
        double[][] x = {{0, 0}, {3, 4}};
        double[][] y = {{0, 0}, {0, 1}};
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(evaluate(manager.create(x), ToyData.fixed(y), manager).get("energy_distance"))
                    .isCloseTo(Math.sqrt(18) / 2 - 3, within(1e-12));
        }
    }

    /**
     * The SE is the spread of E_u over resamples: redraw the metric's resampling counts with the same seed
     * and recompute every replicate by brute force on explicitly resampled sets, pairs of distinct positions.
     */
    @Test
    void theStandardErrorIsTheSpreadOfTheEstimateOnResampledSets() {
        double[][] x = {{0, 0}, {3, 4}, {1, 1}, {-2, 0.5}, {0, -1}};
        double[][] y = {{0, 0.5}, {2, 2}, {-1, 1}, {1, -2}, {4, 0}};
        int n = x.length;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            double se = evaluate(manager.create(x), ToyData.fixed(y), manager).get("energy_distance_se");
            Engine.getInstance().setRandomSeed(7);
            double[][] u = Resampling.counts(manager, n, 20);
            double[][] v = Resampling.counts(manager, n, 20);
            double[] replicates = new double[20];
            for (int r = 0; r < 20; r++) {
                replicates[r] = energy(Resampling.resample(x, u[r]), Resampling.resample(y, v[r]));
            }
            // The same sums in another order: float64 rounding.
            assertThat(se).isCloseTo(Resampling.standardDeviation(replicates), within(1e-12));
            assertThat(se).isPositive();
        }
    }

    private static double energy(double[][] x, double[][] y) {
        int n = x.length;
        double cross = 0;
        double withinX = 0;
        double withinY = 0;
        for (int k = 0; k < n; k++) {
            for (int l = 0; l < n; l++) {
                cross += Resampling.distance(x[k], y[l]);
                if (k != l) {
                    withinX += Resampling.distance(x[k], x[l]);
                    withinY += Resampling.distance(y[k], y[l]);
                }
            }
        }
        return 2 * cross / (n * n) - withinX / (n * (n - 1.0)) - withinY / (n * (n - 1.0));
    }

    /**
     * N(1, 1) against N(0, 1): X - Y ~ N(1, 2) and X - X' ~ N(0, 2), with E|N(m, s^2)| = s sqrt(2 / pi)
     * exp(-m^2 / 2 s^2) + m erf(m / (s sqrt 2)): E = 2 (2 / sqrt(pi) e^-1/4 + erf(1/2)) - 2 (2 / sqrt(pi))
     * = 0.54180, with erf(1/2) = 0.5204998778130465.
     */
    @Test
    void aShiftedGaussianMatchesTheClosedFormWithinItsStandardError() {
        double expected = 2 * (2 / Math.sqrt(Math.PI) * Math.exp(-0.25) + 0.5204998778130465) - 4 / Math.sqrt(Math.PI);
        assertThat(expected).isCloseTo(0.54180, within(1e-5));
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray samples = ToyData.normal(1, 1, 1).sample(manager, 2000);
            Map<String, Double> values = evaluate(samples, ToyData.normal(1, 0, 1), manager);
            // 4 of the reported standard errors (about 0.035 at n = 2000).
            assertThat(values.get("energy_distance")).isCloseTo(expected, within(4 * values.get("energy_distance_se")));
        }
    }

    @Test
    void theQuickstartMixtureIsAtDistanceAboutZeroFromItself() {
        GaussianMixtureDataset gmm = new GaussianMixtureDataset(8, 4.0, 0.2, new double[0]);
        Engine.getInstance().setRandomSeed(4);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Double> values = evaluate(gmm.sample(manager, 2000), gmm, manager);
            // Equal distributions: E = 0; 4 of the reported standard errors.
            assertThat(values.get("energy_distance")).isCloseTo(0.0, within(4 * values.get("energy_distance_se")));
        }
    }

    @Test
    void badArgumentsAreUserErrors() {
        assertThatThrownBy(() -> new EnergyDistanceMetric(1))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("bootstrap >= 2");
        try (NDManager manager = NDManager.newBaseManager()) {
            double[][] one = {{0, 0}};
            assertThatThrownBy(() -> evaluate(manager.create(one), ToyData.fixed(one), manager))
                    .isInstanceOf(ScorelabException.class).hasMessageContaining("at least 2 samples");
        }
    }
}
