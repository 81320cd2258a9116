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
import io.scorelab.api.ScorelabException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GaussianDatasetTest {

    private static final double[] MU = {1, -2, 0.5};
    /** Correlated, with eigenvalues 0.139, 1.048 and 2.314. */
    private static final double[][] SIGMA = {{2.0, 0.6, -0.4}, {0.6, 1.0, 0.3}, {-0.4, 0.3, 0.5}};
    private static final double[][] POINTS = {
        {0.3, -1.1, 2.0}, {1, -2, 0.5}, {0, 0, 0}, {4, -5, 3}, {-2.5, 1.5, -1}, {1.2, -2.2, 0.1}
    };

    private final GaussianDataset gaussian = new GaussianDataset(MU, SIGMA);

    @Test
    void matchesNumpyAtAWorkedPoint() {
        // numpy.linalg.solve / det on Sigma + sigma^2 I at x = (0.3, -1.1, 2.0); float64 throughout.
        AnalyticDensity density = gaussian.density().orElseThrow();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new double[][] {POINTS[0]});
            assertThat(density.score(x, manager.create(0.0)).toDoubleArray()).containsExactly(
                    new double[] {-0.6101190476190482, 0.6250000000000007, -3.8630952380952395}, within(1e-12));
            assertThat(density.logDensity(x, manager.create(0.0)).getDouble(0)).isCloseTo(-4.614023302009315, within(1e-12));
            assertThat(density.score(x, manager.create(0.7)).toDoubleArray()).containsExactly(
                    new double[] {0.1653703425594415, -0.4036347011677433, -1.3260216693190914}, within(1e-12));
            assertThat(density.logDensity(x, manager.create(0.7)).getDouble(0)).isCloseTo(-4.4893396698194605, within(1e-12));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.7})
    void matchesTheClosedFormWithAFullCovariance(double sigma) {
        AnalyticDensity density = gaussian.density().orElseThrow();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(POINTS);
            double[] logp = density.logDensity(x, manager.create(sigma)).toDoubleArray();
            double[] score = density.score(x, manager.create(sigma)).toDoubleArray();
            for (int i = 0; i < POINTS.length; i++) {
                double[] expected = closedFormScore(POINTS[i], sigma);
                // float64 on a matrix of condition number < 20: agreement to 1e-11.
                assertThat(logp[i]).isCloseTo(closedFormLogDensity(POINTS[i], sigma), within(1e-11));
                for (int j = 0; j < 3; j++) {
                    assertThat(score[3 * i + j]).isCloseTo(expected[j], within(1e-11));
                }
            }
        }
    }

    @Test
    void perExampleSigmasEachGetTheirOwnClosedForm() {
        AnalyticDensity density = gaussian.density().orElseThrow();
        double[] sigmas = {0.7, 0.0, 2.0, 0.7, 10.0, 0.01};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(POINTS);
            double[] logp = density.logDensity(x, manager.create(sigmas)).toDoubleArray();
            double[] score = density.score(x, manager.create(sigmas)).toDoubleArray();
            for (int i = 0; i < POINTS.length; i++) {
                double[] expected = closedFormScore(POINTS[i], sigmas[i]);
                // As above: float64, well-conditioned.
                assertThat(logp[i]).isCloseTo(closedFormLogDensity(POINTS[i], sigmas[i]), within(1e-11));
                for (int j = 0; j < 3; j++) {
                    assertThat(score[3 * i + j]).isCloseTo(expected[j], within(1e-11));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.7, 3.0})
    void scoreIsTheGradientOfTheLogDensity(double sigma) {
        AnalyticDensity density = gaussian.density().orElseThrow();
        double h = 1e-4;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(POINTS);
            NDArray s = manager.create(sigma);
            double[] score = density.score(x, s).toDoubleArray();
            for (int j = 0; j < 3; j++) {
                double[] step = new double[3];
                step[j] = h;
                NDArray e = manager.create(new double[][] {step});
                double[] plus = density.logDensity(x.add(e), s).toDoubleArray();
                double[] minus = density.logDensity(x.sub(e), s).toDoubleArray();
                for (int i = 0; i < POINTS.length; i++) {
                    // log p is quadratic, so central differences are exact but for rounding: eps |log p| / h
                    // with |log p| < 200 at these points is 2e-10.
                    assertThat(score[3 * i + j]).isCloseTo((plus[i] - minus[i]) / (2 * h), within(1e-9));
                }
            }
        }
    }

    @Test
    void float32InputsGiveFloat32Outputs() {
        AnalyticDensity density = gaussian.density().orElseThrow();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[][] {{0.3f, -1.1f, 2f}, {1f, 2f, 3f}});
            NDArray sigma = manager.create(new float[] {0f, 0.7f});
            NDArray score = density.score(x, sigma);
            assertThat(score.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(score.getShape()).isEqualTo(new Shape(2, 3));
            assertThat(density.logDensity(x, sigma).getShape()).isEqualTo(new Shape(2));
            // float32 of values of order 4: 1e-5.
            assertThat(score.getFloat(0, 0)).isCloseTo(-0.6101190f, within(1e-5f));
        }
    }

    @Test
    void samplesHaveTheMeanAndCovariance() {
        Engine.getInstance().setRandomSeed(5);
        int n = 20_000;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = gaussian.sample(manager, n);
            assertThat(x.getShape()).isEqualTo(new Shape(n, 3));
            assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
            float[] xs = x.toFloatArray();
            double[] mean = new double[3];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 3; j++) {
                    mean[j] += xs[3 * i + j] / (double) n;
                }
            }
            for (int j = 0; j < 3; j++) {
                // Standard error sqrt(Sigma_jj / n), at most 0.01; 4 of them.
                assertThat(mean[j]).as("mean %d", j).isCloseTo(MU[j], within(4 * Math.sqrt(SIGMA[j][j] / n)));
            }
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    double cov = 0;
                    for (int i = 0; i < n; i++) {
                        cov += (xs[3 * i + a] - mean[a]) * (xs[3 * i + b] - mean[b]) / (n - 1.0);
                    }
                    // A Gaussian's sample covariance has standard error sqrt((S_aa S_bb + S_ab^2) / n), at most
                    // 0.02; 4 of them.
                    double se = Math.sqrt((SIGMA[a][a] * SIGMA[b][b] + SIGMA[a][b] * SIGMA[a][b]) / n);
                    assertThat(cov).as("cov[%d][%d]", a, b).isCloseTo(SIGMA[a][b], within(4 * se));
                }
            }
        }
    }

    @Test
    void samplingLeavesOnlyTheSamplesInTheCallersManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = gaussian.sample(manager, 10);
            assertThat(manager.getManagedArrays()).containsExactly(x);
        }
    }

    @Test
    void accessorsReturnCopiesOfMeanAndCovariance() {
        assertThat(gaussian.mean()).containsExactly(MU);
        assertThat(gaussian.covariance()).isDeepEqualTo(SIGMA);
        gaussian.mean()[0] = 99;
        gaussian.covariance()[0][0] = 99;
        assertThat(gaussian.mean()[0]).isEqualTo(1.0);
        assertThat(gaussian.covariance()[0][0]).isEqualTo(2.0);
        assertThat(gaussian.exampleShape()).isEqualTo(new Shape(3));
    }

    @Test
    void aCovarianceThatIsNotPositiveDefiniteIsRejectedWithItsEigenvalues() {
        // [[1, 2], [2, 1]] has eigenvalues -1 and 3.
        assertThatThrownBy(() -> new GaussianDataset(new double[2], new double[][] {{1, 2}, {2, 1}}))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("gaussian: the covariance is not positive definite")
                .hasMessageContaining("smallest eigenvalue is -1.0")
                .hasMessageContaining("[-1.0, 3.0]");
        // Singular: rank 1.
        assertThatThrownBy(() -> new GaussianDataset(new double[2], new double[][] {{1, 1}, {1, 1}}))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("not positive definite");
    }

    @Test
    void otherDefectsAreNamed() {
        assertThatThrownBy(() -> new GaussianDataset(new double[2], new double[][] {{1, 0.5}, {0.3, 1}}))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("is not symmetric: cov[0][1] = 0.5 but cov[1][0] = 0.3");
        assertThatThrownBy(() -> new GaussianDataset(new double[3], new double[][] {{1, 0}, {0, 1}}))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("has 2 rows but the mean has 3 entries");
        assertThatThrownBy(() -> new GaussianDataset(new double[2], new double[][] {{1, 0}, {0}}))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("row 1 has 1 entries, expected 2");
        assertThatThrownBy(() -> new GaussianDataset(new double[2], new double[][] {{1, 0}, {0, Double.NaN}}))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("non-finite entry cov[1][1] = NaN");
        assertThatThrownBy(() -> new GaussianDataset(new double[] {0, Double.POSITIVE_INFINITY}, new double[][] {{1, 0}, {0, 1}}))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("mean must be finite");
    }

    /** S = Sigma + sigma^2 I. */
    private static double[][] shifted(double sigma) {
        double[][] s = new double[3][];
        for (int i = 0; i < 3; i++) {
            s[i] = SIGMA[i].clone();
            s[i][i] += sigma * sigma;
        }
        return s;
    }

    /** The 2 x 2 minor of s left by deleting row r and column c, with the cofactor sign folded in by cyclic order. */
    private static double cofactor(double[][] s, int r, int c) {
        return s[(r + 1) % 3][(c + 1) % 3] * s[(r + 2) % 3][(c + 2) % 3]
                - s[(r + 1) % 3][(c + 2) % 3] * s[(r + 2) % 3][(c + 1) % 3];
    }

    private static double determinant(double sigma) {
        double[][] s = shifted(sigma);
        return s[0][0] * cofactor(s, 0, 0) + s[0][1] * cofactor(s, 0, 1) + s[0][2] * cofactor(s, 0, 2);
    }

    /** S^-1 = adj(S) / det S, independent of the eigendecomposition. */
    private static double[][] inverse(double sigma) {
        double[][] s = shifted(sigma);
        double det = determinant(sigma);
        double[][] inverse = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                inverse[i][j] = cofactor(s, j, i) / det;
            }
        }
        return inverse;
    }

    private static double[] closedFormScore(double[] x, double sigma) {
        double[][] inverse = inverse(sigma);
        double[] score = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                score[i] -= inverse[i][j] * (x[j] - MU[j]);
            }
        }
        return score;
    }

    private static double closedFormLogDensity(double[] x, double sigma) {
        double[] score = closedFormScore(x, sigma);
        double quadratic = 0;
        for (int i = 0; i < 3; i++) {
            quadratic -= (x[i] - MU[i]) * score[i];
        }
        return -0.5 * (3 * Math.log(2 * Math.PI) + Math.log(determinant(sigma)) + quadratic);
    }
}
