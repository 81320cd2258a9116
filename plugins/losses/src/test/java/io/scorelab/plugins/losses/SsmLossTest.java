package io.scorelab.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.scorelab.api.LossValue;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.autograd.PtAutograd;
import io.scorelab.plugins.losses.SsmLoss.Probe;
import io.scorelab.plugins.schedules.VeSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SsmLossTest {

    private static final VeSchedule SCHEDULE = new VeSchedule(0.001, 10, 0);

    /**
     * Averaged over many probes, sliced score matching equals implicit score matching on the same
     * noised batch, example by example, for every probe distribution, with and without variance
     * reduction (the model s(x) = -A x - x^3 has a non-symmetric, x-dependent Jacobian). The standard
     * errors come from the per-probe values: SE_i = sd_m(q_mi) / sqrt(M) per example and
     * sqrt(sum_i SE_i^2) / n for the batch.
     */
    @ParameterizedTest
    @CsvSource({"RADEMACHER, false", "GAUSSIAN, false", "SPHERE, false", "RADEMACHER, true", "GAUSSIAN, true",
        "SPHERE, true"})
    void averagedOverProbesItEqualsImplicitScoreMatching(Probe probe, boolean varianceReduction) {
        int n = 16;
        int projections = 4000;
        Engine.getInstance().setRandomSeed(41);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, 0.7f, new Shape(n, 2, 2), DataType.FLOAT32);
            NDArray z = manager.randomNormal(0f, 1f, x0.getShape(), DataType.FLOAT32);
            NoisedBatch batch = NoisedBatch.of(SCHEDULE, x0, SCHEDULE.timeOfSigma(manager.full(new Shape(n), 0.01f)), z);
            ScoreFunction model = IsmLossTest.linearPlusCube(manager);
            PtAutograd autograd = new PtAutograd();
            float[] ism;
            float[] perProbe;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                ism = new IsmLoss(0.01, autograd).term(model, SCHEDULE, batch).toFloatArray();
                perProbe = new SsmLoss(0.01, projections, probe, varianceReduction, autograd)
                        .perProbe(model, batch).toFloatArray();
            }

            double total = 0;
            double totalIsm = 0;
            double variance = 0;
            for (int i = 0; i < n; i++) {
                double mean = 0;
                for (int m = 0; m < projections; m++) {
                    mean += perProbe[m * n + i] / projections;
                }
                double squares = 0;
                for (int m = 0; m < projections; m++) {
                    squares += Math.pow(perProbe[m * n + i] - mean, 2);
                }
                double standardError = Math.sqrt(squares / (projections - 1) / projections);
                // 5 standard errors per example: 16 examples x 6 cases give a false alarm with probability 6e-5.
                assertThat(mean).as("example %d", i).isCloseTo(ism[i], within(5 * standardError + 1e-5));
                total += mean / n;
                totalIsm += ism[i] / (double) n;
                variance += standardError * standardError / n / n;
            }
            // 4 standard errors of the batch mean (1e-5: float32 rounding of terms of size ~10).
            assertThat(total).isCloseTo(totalIsm, within(4 * Math.sqrt(variance) + 1e-5));
        }
    }

    /**
     * Every probe distribution has E[v v^T] = I: each entry of the empirical second moment of
     * 100000 draws in 3 dimensions is within 4 standard errors (estimated from the draws) of the
     * identity's. Rademacher entries are +-1, sphere probes have norm sqrt(3).
     */
    @ParameterizedTest
    @EnumSource(Probe.class)
    void probesHaveIdentitySecondMoment(Probe probe) {
        int n = 100_000;
        int d = 3;
        Engine.getInstance().setRandomSeed(42);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] v = probe.draw(manager, new Shape(n, d), DataType.FLOAT32).toFloatArray();
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) {
                    double mean = 0;
                    for (int i = 0; i < n; i++) {
                        mean += (double) v[i * d + j] * v[i * d + k] / n;
                    }
                    double squares = 0;
                    for (int i = 0; i < n; i++) {
                        squares += Math.pow((double) v[i * d + j] * v[i * d + k] - mean, 2);
                    }
                    double standardError = Math.sqrt(squares / (n - 1) / n);
                    // 1e-6: Rademacher's diagonal is exactly 1 (standard error 0), up to float32 rounding.
                    assertThat(mean).as("E[v_%d v_%d]", j, k).isCloseTo(j == k ? 1 : 0, within(4 * standardError + 1e-6));
                }
            }
            for (int i = 0; i < n; i++) {
                double norm = Math.sqrt(v[i * d] * v[i * d] + v[i * d + 1] * v[i * d + 1] + v[i * d + 2] * v[i * d + 2]);
                if (probe == Probe.SPHERE) {
                    // float32 normalization: relative rounding of a few 1e-7.
                    assertThat(norm).isCloseTo(Math.sqrt(d), within(1e-5));
                }
                if (probe == Probe.RADEMACHER) {
                    assertThat(Math.abs(v[i * d])).isEqualTo(1f);
                }
            }
        }
    }

    /**
     * The loss of a batch: each example's term is the mean over its M probes, every example noised at
     * sigma; a probe-free model term checks the replication. For s(x) = -x (Jacobian -I), v^T grad
     * (v^T s) = -||v||^2 = -d for every Rademacher probe and 1/2 (v^T s)^2 = 1/2 (v . x)^2, whose mean
     * over the probes of one example is near 1/2 ||x||^2; with variance reduction it is exactly
     * 1/2 ||x||^2 - d.
     */
    @Test
    void eachExampleAveragesItsProbes() {
        int n = 8;
        int d = 5;
        Engine.getInstance().setRandomSeed(43);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, 1f, new Shape(n, d), DataType.FLOAT32);
            NDArray[] seen = new NDArray[1];
            ScoreFunction model = (x, t) -> {
                seen[0] = x;
                return x.neg();
            };
            LossValue value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                value = new SsmLoss(0.01, 3, Probe.RADEMACHER, true, new PtAutograd()).compute(model, SCHEDULE, x0);
            }

            assertThat(seen[0].getShape()).isEqualTo(new Shape(3L * n, d));
            float[] x = seen[0].toFloatArray();
            float[] terms = value.perExample().toFloatArray();
            assertThat(value.perExample().getShape()).isEqualTo(new Shape(n));
            for (int i = 0; i < n; i++) {
                double half = 0;
                for (int k = 0; k < d; k++) {
                    half += 0.5 * x[i * d + k] * x[i * d + k];
                    // The M copies of example i are the rows i, n + i, 2n + i.
                    assertThat(x[(n + i) * d + k]).isEqualTo(x[i * d + k]);
                    assertThat(x[(2 * n + i) * d + k]).isEqualTo(x[i * d + k]);
                }
                // float32 rounding of terms of size ~10.
                assertThat((double) terms[i]).isCloseTo(half - d, within(1e-5));
            }
            // sigma(t) at the float32 time of sigma = 0.01: relative rounding below 1e-6.
            assertThat(value.noiseLevel().sub(0.01f).abs().max().getFloat()).isLessThan(1e-7f);
        }
    }

    /**
     * Sliced score matching trains Hyvärinen's linear Gaussian model to the same optimum as implicit
     * score matching. Tolerance 1e-2: one Rademacher probe per example makes the gradient noisy
     * (standard deviation about 0.03 per step over n = 8192 examples), which the decaying rate of the
     * second half averages down; over 5 seeds the largest error was 3e-3.
     */
    @Test
    void trainsTheLinearGaussianModelToTheSameOptimumAsIsm() {
        int n = 8192;
        double sigma = 0.01;
        Engine.getInstance().setRandomSeed(44);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = LinearScoreFit.data(manager, n);

            LinearScoreFit.Fit fit = LinearScoreFit.fit(
                    new SsmLoss(sigma, 1, Probe.RADEMACHER, false, new PtAutograd()), SCHEDULE, x0, 400, 0.2f);

            IsmLossTest.assertConverged(fit, LinearScoreFit.optimum(x0, sigma), n, 1e-2);
        }
    }

    @Test
    void needsAtLeastOneProjection() {
        assertThatThrownBy(() -> new SsmLoss(0.01, 0, Probe.GAUSSIAN, false, new PtAutograd()))
                .isInstanceOf(ScorelabException.class)
                .hasMessage("ssm loss needs projections >= 1, got projections = 0");
    }
}
