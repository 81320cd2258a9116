package io.scorelab.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.ScorelabException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlanarToysTest {

    private static final int N = 20_000;

    @BeforeEach
    void seed() {
        Engine.getInstance().setRandomSeed(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void checkerboardFillsTheDarkSquaresEvenly(int k) {
        float[] xs = draw(new CheckerboardDataset(k, 4.0));
        double width = 8.0 / k;
        int[] counts = new int[k * k];
        double[] offset = new double[2];
        for (int i = 0; i < N; i++) {
            assertThat(xs[2 * i]).isBetween(-4f, 4f);
            assertThat(xs[2 * i + 1]).isBetween(-4f, 4f);
            int column = (int) Math.floor((xs[2 * i] + 4) / width);
            int row = (int) Math.floor((xs[2 * i + 1] + 4) / width);
            assertThat((column + row) % 2).as("square (%d, %d) is dark", column, row).isZero();
            counts[column * k + row]++;
            offset[0] += ((xs[2 * i] + 4) / width - column) / N;
            offset[1] += ((xs[2 * i + 1] + 4) / width - row) / N;
        }
        double p = 2.0 / (k * k);
        for (int column = 0; column < k; column++) {
            for (int row = column % 2; row < k; row += 2) {
                // Each of the k^2 / 2 dark squares has probability p: 4 binomial standard errors sqrt(p (1 - p) / N).
                assertThat(counts[column * k + row] / (double) N).as("square (%d, %d)", column, row)
                        .isCloseTo(p, within(4 * Math.sqrt(p * (1 - p) / N)));
            }
        }
        // Uniform within the square: the mean offset is 1/2 with standard error sqrt(1 / (12 N)) = 0.002; 4 of them.
        assertThat(offset[0]).isCloseTo(0.5, within(4 * Math.sqrt(1 / (12.0 * N))));
        assertThat(offset[1]).isCloseTo(0.5, within(4 * Math.sqrt(1 / (12.0 * N))));
    }

    @Test
    void ringsWithoutNoiseLieOnTheirCirclesInEqualShares() {
        float[] xs = draw(new RingsDataset(4, 4.0, 0.0));
        int[] counts = new int[5];
        double cos = 0;
        double sin = 0;
        for (int i = 0; i < N; i++) {
            double r = Math.hypot(xs[2 * i], xs[2 * i + 1]);
            long ring = Math.round(r);
            // float32 cos, sin and product: radius exact to 1e-6 relative.
            assertThat(r).isCloseTo(ring, within(1e-5));
            assertThat(ring).isBetween(1L, 4L);
            counts[(int) ring]++;
            cos += xs[2 * i] / r / N;
            sin += xs[2 * i + 1] / r / N;
        }
        for (int k = 1; k <= 4; k++) {
            // 4 binomial standard errors sqrt(p (1 - p) / N) with p = 1/4: 0.012.
            assertThat(counts[k] / (double) N).as("ring %d", k).isCloseTo(0.25, within(4 * Math.sqrt(0.25 * 0.75 / N)));
        }
        // A uniform angle: E cos = E sin = 0 with standard error sqrt(1 / (2 N)) = 0.005; 4 of them.
        assertThat(cos).isCloseTo(0, within(4 * Math.sqrt(0.5 / N)));
        assertThat(sin).isCloseTo(0, within(4 * Math.sqrt(0.5 / N)));
    }

    @Test
    void ringNoiseHasItsStandardDeviation() {
        float[] xs = draw(new RingsDataset(4, 4.0, 0.08));
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < N; i++) {
            double r = Math.hypot(xs[2 * i], xs[2 * i + 1]);
            double residual = r - Math.round(r);
            sum += residual;
            squares += residual * residual;
        }
        double std = Math.sqrt(squares / N - (sum / N) * (sum / N));
        // The radial residual is the noise along the radius plus a curvature term of order noise^2 / r, which
        // changes its variance by under 1%; the sample std has relative standard error 1 / sqrt(2 N) = 0.5%.
        // Tolerance 3% of 0.08.
        assertThat(std).isCloseTo(0.08, within(0.08 * 0.03));
    }

    @Test
    void moonsWithoutNoiseLieOnTheirHalfCirclesAroundZero() {
        double scale = 2.0;
        float[] xs = draw(new MoonsDataset(scale, 0.0));
        int upper = 0;
        double[] mean = new double[2];
        for (int i = 0; i < N; i++) {
            double mx = xs[2 * i] / scale + 0.5;
            double my = xs[2 * i + 1] / scale + 0.25;
            // float32 arithmetic on values of order 1: 1e-5.
            boolean onUpper = Math.abs(Math.hypot(mx, my) - 1) < 1e-5 && my >= -1e-5;
            boolean onLower = Math.abs(Math.hypot(mx - 1, my - 0.5) - 1) < 1e-5 && my <= 0.5 + 1e-5;
            assertThat(onUpper || onLower).as("(%s, %s) on a moon", mx, my).isTrue();
            if (onUpper && !onLower) {
                upper++;
            }
            mean[0] += xs[2 * i] / (double) N;
            mean[1] += xs[2 * i + 1] / (double) N;
        }
        // The moons cross at two points only, so nearly all points fall on one; 4 binomial standard errors.
        assertThat(upper / (double) N).isCloseTo(0.5, within(4 * Math.sqrt(0.25 / N)));
        // Centred: m_x has variance 1/2 + 1/4 and m_y has (1/2 - 4/pi^2) + (2/pi - 1/4)^2; the means' standard
        // errors are scale sqrt(var / N); 4 of them.
        double varX = 0.75;
        double varY = 0.5 - 4 / (Math.PI * Math.PI) + Math.pow(2 / Math.PI - 0.25, 2);
        assertThat(mean[0]).isCloseTo(0, within(4 * scale * Math.sqrt(varX / N)));
        assertThat(mean[1]).isCloseTo(0, within(4 * scale * Math.sqrt(varY / N)));
    }

    @Test
    void swissRollWithoutNoiseIsTheSpiralFromAThirdOfTheRadiusOut() {
        double radius = 4.0;
        float[] xs = draw(new SwissRollDataset(radius, 0.0));
        double meanR = 0;
        for (int i = 0; i < N; i++) {
            double r = Math.hypot(xs[2 * i], xs[2 * i + 1]);
            // float32 rounding of t and r: 1e-5.
            assertThat(r).isBetween(radius / 3 - 1e-5, radius + 1e-5);
            double t = r / radius * 4.5 * Math.PI;
            // The angle of the point is t: float32 error on t (up to 14) and r, under 1e-5, moved through cos and sin.
            assertThat(xs[2 * i]).isCloseTo((float) (r * Math.cos(t)), within(1e-4f));
            assertThat(xs[2 * i + 1]).isCloseTo((float) (r * Math.sin(t)), within(1e-4f));
            meanR += r / N;
        }
        // r is uniform on [radius / 3, radius]: mean 2 radius / 3, standard error (2 radius / 3) / sqrt(12 N); 4 of them.
        assertThat(meanR).isCloseTo(2 * radius / 3, within(4 * (2 * radius / 3) / Math.sqrt(12.0 * N)));
    }

    @Test
    void everyToyReturnsFloat32PointsAndLeavesOnlyThemInTheCallersManager() {
        for (Dataset toy : List.of(new CheckerboardDataset(4, 4), new RingsDataset(4, 4, 0.08),
                new MoonsDataset(2, 0.1), new SwissRollDataset(4, 0.2))) {
            assertThat(toy.exampleShape()).isEqualTo(new Shape(2));
            assertThat(toy.density()).isEmpty();
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray x = toy.sample(manager, 10);
                assertThat(x.getShape()).isEqualTo(new Shape(10, 2));
                assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(manager.getManagedArrays()).containsExactly(x);
            }
        }
    }

    @Test
    void invalidArgumentsAreUserErrors() {
        assertThatThrownBy(() -> new CheckerboardDataset(3, 4)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("squares = 3");
        assertThatThrownBy(() -> new RingsDataset(4, 4, -0.1)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("noise = -0.1");
        assertThatThrownBy(() -> new MoonsDataset(0, 0.1)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("scale = 0.0");
        assertThatThrownBy(() -> new SwissRollDataset(4, Double.NaN)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("noise = NaN");
    }

    private static float[] draw(Dataset dataset) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return dataset.sample(manager, N).toFloatArray();
        }
    }
}
