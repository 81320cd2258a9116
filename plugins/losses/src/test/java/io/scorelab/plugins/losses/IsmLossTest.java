package io.scorelab.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.scorelab.api.LossValue;
import io.scorelab.api.ScoreFunction;
import io.scorelab.autograd.PtAutograd;
import io.scorelab.plugins.schedules.VeSchedule;
import org.junit.jupiter.api.Test;

class IsmLossTest {

    private static final VeSchedule SCHEDULE = new VeSchedule(0.001, 10, 0);

    /** A fixed, non-symmetric 4x4 matrix with tr(A) = 2.5 + 1.5 - 0.5 + 2 = 5.5. */
    static final float[][] A = {
        {2.5f, 0.3f, -0.7f, 0.2f},
        {-0.4f, 1.5f, 0.6f, 0.1f},
        {0.9f, -0.2f, -0.5f, 0.8f},
        {0.3f, 0.5f, -0.6f, 2.0f}};

    /**
     * s(x) = -A x - x^3 (elementwise cube) on the flattened 2x2 example: grad_x s = -A - diag(3 x^2)
     * has the trace -tr(A) - 3 ||x||^2, different for every example. Returns it, evaluated on x of
     * shape (n, 2, 2).
     */
    static ScoreFunction linearPlusCube(NDManager manager) {
        NDArray aT = manager.create(A).transpose();
        return (x, t) -> {
            long n = x.getShape().get(0);
            return x.reshape(n, -1).matMul(aT).reshape(x.getShape()).add(x.pow(3)).neg();
        };
    }

    /**
     * The exact trace: each example's term equals 1/2 ||s(x)||^2 - tr(A) - 3 ||x||^2 at the noised
     * input the model saw, computed on the host in float64.
     */
    @Test
    void theTraceIsExactForAKnownJacobian() {
        int n = 64;
        Engine.getInstance().setRandomSeed(31);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, 1f, new Shape(n, 2, 2), DataType.FLOAT32);
            ScoreFunction model = linearPlusCube(manager);
            NDArray[] seen = new NDArray[1];
            LossValue value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                value = new IsmLoss(0.01, new PtAutograd()).compute((x, t) -> {
                    seen[0] = x;
                    return model.score(x, t);
                }, SCHEDULE, x0);
            }

            float[] x = seen[0].toFloatArray();
            float[] terms = value.perExample().toFloatArray();
            double traceA = 5.5;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double half = 0;
                double squares = 0;
                for (int j = 0; j < 4; j++) {
                    double s = 0;
                    for (int k = 0; k < 4; k++) {
                        s -= A[j][k] * x[4 * i + k];
                    }
                    double xj = x[4 * i + j];
                    s -= xj * xj * xj;
                    half += 0.5 * s * s;
                    squares += xj * xj;
                }
                double expected = half - traceA - 3 * squares;
                // float32 arithmetic on terms of size up to ~100: relative rounding 1e-6, so 1e-4 absolute.
                assertThat((double) terms[i]).as("example %d", i).isCloseTo(expected, within(1e-4 * Math.max(1, Math.abs(expected))));
                sum += expected;
            }
            assertThat((double) value.loss().getFloat()).isCloseTo(sum / n, within(1e-4 * Math.max(1, Math.abs(sum / n))));
            assertThat(value.perExample().getShape()).isEqualTo(new Shape(n));
            // sigma(t) at the float32 time of sigma = 0.01: relative rounding below 1e-6.
            assertThat(value.noiseLevel().sub(0.01f).abs().max().getFloat()).isLessThan(1e-7f);
        }
    }

    /**
     * Hyvärinen's linear Gaussian example: s(x) = A (x - b) trained by ism on N(mu, Sigma) data
     * (non-diagonal Sigma) reaches the minimizer A = -(S + sigma^2 I)^-1, b = m of the fixed data set
     * (S, m its sample covariance and mean), which is within sampling error of A = -Sigma^-1, b = mu.
     *
     * <p>Tolerance of the optimization, 2e-3: gradient descent at rate 0.2 contracts the error in b,
     * the slowest, by 1 - 0.2 lambda_min(A^T A) = 1 - 0.2 / lambda_max(Sigma)^2 = 0.964 a step, and
     * the 300 steps (150 at the full rate, 150 decaying) act like about 225 at the full rate: 3e-4 of
     * the initial error (2.2), 6e-4. The noise z redrawn each step moves the minimizer by
     * O(sigma / sqrt(n)) = 1e-4.
     */
    @Test
    void trainsTheLinearGaussianModelToMinusTheInverseCovariance() {
        int n = 8192;
        double sigma = 0.01;
        Engine.getInstance().setRandomSeed(32);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = LinearScoreFit.data(manager, n);

            LinearScoreFit.Fit fit = LinearScoreFit.fit(new IsmLoss(sigma, new PtAutograd()), SCHEDULE, x0, 300, 0.2f);

            assertConverged(fit, LinearScoreFit.optimum(x0, sigma), n, 2e-3);
        }
    }

    /**
     * Checks a fit against the data set's optimum within {@code tolerance} and against the population
     * one within sampling error: the entries of the sample precision matrix have standard deviation
     * sqrt((P_ij^2 + P_ii P_jj) / n) (Wishart), the sample mean sqrt(Sigma_ii / n); 4 of those, plus
     * the tolerance.
     */
    static void assertConverged(LinearScoreFit.Fit fit, LinearScoreFit.Fit optimum, int n, double tolerance) {
        double[][] precision = LinearScoreFit.negativeInverse(LinearScoreFit.SIGMA, 0);
        for (int j = 0; j < 2; j++) {
            for (int k = 0; k < 2; k++) {
                assertThat(fit.a()[j][k]).as("A[%d][%d]", j, k).isCloseTo(optimum.a()[j][k], within(tolerance));
                double p = precision[j][k];
                double sd = Math.sqrt((p * p + precision[j][j] * precision[k][k]) / n);
                assertThat(fit.a()[j][k]).as("A[%d][%d] vs -Sigma^-1", j, k).isCloseTo(p, within(4 * sd + tolerance));
            }
            assertThat(fit.b()[j]).as("b[%d]", j).isCloseTo(optimum.b()[j], within(tolerance));
            assertThat(fit.b()[j]).as("b[%d] vs mu", j)
                    .isCloseTo(LinearScoreFit.MU[j], within(4 * Math.sqrt(LinearScoreFit.SIGMA[j][j] / n) + tolerance));
        }
    }
}
