package io.scorelab.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.AnalyticDensity;
import io.scorelab.api.Modes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GaussianMixtureDatasetTest {

    /** Points near means, between two modes (where the responsibilities switch), inside and outside the ring. */
    private static final double[][] POINTS = {
        {0, 0}, {4, 0}, {3.9, 0.1}, {2.8, 2.9}, {3.7, 1.5}, {-1, 2}, {6, -6}, {0.5, -3.9}, {-2.9, -2.7}
    };

    private final GaussianMixtureDataset quickstart = new GaussianMixtureDataset(8, 4.0, 0.2, new double[0]);

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.05, 0.5, 3.0})
    void scoreIsTheGradientOfTheLogDensity(double sigma) {
        AnalyticDensity density = quickstart.density().orElseThrow();
        double h = 1e-5;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(POINTS);
            NDArray s = manager.create(sigma);
            double[] score = density.score(x, s).toDoubleArray();
            for (int j = 0; j < 2; j++) {
                double[] step = j == 0 ? new double[] {h, 0} : new double[] {0, h};
                NDArray e = manager.create(new double[][] {step});
                double[] plus = density.logDensity(x.add(e), s).toDoubleArray();
                double[] minus = density.logDensity(x.sub(e), s).toDoubleArray();
                // Central differences err by h^2/6 |f'''| plus rounding. For a mixture, f''' along a direction
                // is the third cumulant of the projected means under the responsibilities over v^3, at most
                // about 0.1 D^3 / v^3 with D = 8 the ring's diameter; rounding is eps |log p| / h < 1e-8 here.
                double v = 0.04 + sigma * sigma;
                double tolerance = h * h / 6 * 0.1 * 512 / (v * v * v) + 1e-7;
                for (int i = 0; i < POINTS.length; i++) {
                    assertThat(score[2 * i + j])
                            .as("d/dx_%d log p at %s, sigma = %s", j, java.util.Arrays.toString(POINTS[i]), sigma)
                            .isCloseTo((plus[i] - minus[i]) / (2 * h), within(tolerance));
                }
            }
        }
    }

    @Test
    void perExampleSigmasMatchScalarSigmas() {
        AnalyticDensity density = quickstart.density().orElseThrow();
        double[] sigmas = {0.0, 0.05, 0.5, 3.0, 0.0, 1.0, 0.2, 10.0, 0.01};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(POINTS);
            double[] logp = density.logDensity(x, manager.create(sigmas)).toDoubleArray();
            double[] score = density.score(x, manager.create(sigmas)).toDoubleArray();
            for (int i = 0; i < POINTS.length; i++) {
                NDArray xi = manager.create(new double[][] {POINTS[i]});
                NDArray si = manager.create(sigmas[i]);
                double[] expectedScore = density.score(xi, si).toDoubleArray();
                // Same float64 arithmetic on a different batch: agreement to rounding.
                assertThat(logp[i]).isCloseTo(density.logDensity(xi, si).getDouble(0), within(1e-12));
                assertThat(score[2 * i]).isCloseTo(expectedScore[0], within(1e-10));
                assertThat(score[2 * i + 1]).isCloseTo(expectedScore[1], within(1e-10));
            }
        }
    }

    @Test
    void oneModeIsAGaussianInClosedForm() {
        GaussianMixtureDataset single = new GaussianMixtureDataset(1, 3.0, 0.5, new double[0]);
        AnalyticDensity density = single.density().orElseThrow();
        double sigma = 0.7;
        double v = 0.25 + sigma * sigma;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(POINTS);
            double[] logp = density.logDensity(x, manager.create(sigma)).toDoubleArray();
            double[] score = density.score(x, manager.create(sigma)).toDoubleArray();
            for (int i = 0; i < POINTS.length; i++) {
                double dx = POINTS[i][0] - 3.0;
                double dy = POINTS[i][1];
                // float64 evaluation of the same formula: agreement to rounding.
                assertThat(logp[i]).isCloseTo(-(dx * dx + dy * dy) / (2 * v) - Math.log(2 * Math.PI * v), within(1e-12));
                assertThat(score[2 * i]).isCloseTo(-dx / v, within(1e-12));
                assertThat(score[2 * i + 1]).isCloseTo(-dy / v, within(1e-12));
            }
        }
    }

    @Test
    void float32InputsGiveFloat32Outputs() {
        AnalyticDensity density = quickstart.density().orElseThrow();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[][] {{1f, 2f}, {4f, 0f}});
            NDArray sigma = manager.create(new float[] {0f, 0.5f});
            assertThat(density.score(x, sigma).getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(density.score(x, sigma).getShape()).isEqualTo(new Shape(2, 2));
            assertThat(density.logDensity(x, sigma).getShape()).isEqualTo(new Shape(2));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0})
    void densityIntegratesToOne(double sigma) {
        AnalyticDensity density = quickstart.density().orElseThrow();
        double s = Math.sqrt(0.04 + sigma * sigma);
        // A grid step of s / 10 makes the Riemann sum of a Gaussian exact up to exp(-2 pi^2 100), and a box
        // reaching 8 s beyond the ring leaves out < 1e-13 of the mass, so only float64 summation error
        // (~1e-12 over 1e5 terms) remains.
        double step = s / 10;
        double half = 4 + 8 * s;
        int points = (int) Math.ceil(2 * half / step) + 1;
        double[][] grid = new double[points * points][];
        for (int i = 0; i < points; i++) {
            for (int j = 0; j < points; j++) {
                grid[i * points + j] = new double[] {-half + i * step, -half + j * step};
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            double mass = density.logDensity(manager.create(grid), manager.create(sigma)).exp().sum().getDouble()
                    * step * step;
            assertThat(mass).isCloseTo(1.0, within(1e-9));
        }
    }

    @Test
    void componentFrequenciesMatchTheWeights() {
        Engine.getInstance().setRandomSeed(11);
        GaussianMixtureDataset dataset = new GaussianMixtureDataset(4, 4.0, 0.2, new double[] {1, 2, 3, 4});
        Modes modes = dataset.modes().orElseThrow();
        assertThat(modes.weights()).containsExactly(new double[] {0.1, 0.2, 0.3, 0.4}, within(1e-15));
        int n = 20_000;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = dataset.sample(manager, n);
            assertThat(x.getShape()).isEqualTo(new Shape(n, 2));
            assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
            float[] xs = x.toFloatArray();
            int[] counts = new int[4];
            double squaredResidual = 0;
            for (int i = 0; i < n; i++) {
                // Adjacent means are 4 sqrt(2) = 28 std apart: the nearest mean is the component drawn.
                int nearest = nearest(modes.means(), xs[2 * i], xs[2 * i + 1]);
                counts[nearest]++;
                double dx = xs[2 * i] - modes.means()[nearest][0];
                double dy = xs[2 * i + 1] - modes.means()[nearest][1];
                squaredResidual += dx * dx + dy * dy;
            }
            for (int k = 0; k < 4; k++) {
                double w = modes.weights()[k];
                // 4 binomial standard errors sqrt(w (1 - w) / n): 0.0085 for w = 0.1.
                assertThat(counts[k] / (double) n).as("frequency of mode %d", k)
                        .isCloseTo(w, within(4 * Math.sqrt(w * (1 - w) / n)));
            }
            // The pooled within-mode std from 2n coordinates has relative standard error 1 / sqrt(4 n); 4 of them.
            double spread = Math.sqrt(squaredResidual / (2.0 * n));
            assertThat(spread).isCloseTo(0.2, within(0.2 * 4 / Math.sqrt(4.0 * n)));
        }
    }

    @Test
    void samplingLeavesOnlyTheSamplesInTheCallersManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = quickstart.sample(manager, 10);
            assertThat(manager.getManagedArrays()).containsExactly(x);
        }
    }

    @Test
    void modesAreEvenlySpacedOnTheRing() {
        Modes modes = quickstart.modes().orElseThrow();
        assertThat(modes.count()).isEqualTo(8);
        for (int k = 0; k < 8; k++) {
            assertThat(modes.weights()[k]).isCloseTo(0.125, within(1e-15));
            assertThat(modes.means()[k][0]).isCloseTo(4 * Math.cos(Math.PI * k / 4), within(1e-12));
            assertThat(modes.means()[k][1]).isCloseTo(4 * Math.sin(Math.PI * k / 4), within(1e-12));
        }
    }

    @Test
    void invalidArgumentsAreUserErrors() {
        assertThatThrownBy(() -> new GaussianMixtureDataset(0, 4, 0.2, new double[0]))
                .isInstanceOf(io.scorelab.api.ScorelabException.class).hasMessageContaining("modes = 0");
        assertThatThrownBy(() -> new GaussianMixtureDataset(3, 4, 0.2, new double[] {1, 1}))
                .isInstanceOf(io.scorelab.api.ScorelabException.class).hasMessageContaining("3 modes but 2 weights");
        assertThatThrownBy(() -> new GaussianMixtureDataset(2, 4, 0.2, new double[] {1, -1}))
                .isInstanceOf(io.scorelab.api.ScorelabException.class).hasMessageContaining("positive");
    }

    private static int nearest(double[][] means, double x, double y) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int k = 0; k < means.length; k++) {
            double distance = Math.pow(x - means[k][0], 2) + Math.pow(y - means[k][1], 2);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = k;
            }
        }
        return best;
    }
}
