package io.scorelab.plugins.losses;

import static io.scorelab.plugins.losses.DsmLossTest.exactScore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.LossValue;
import io.scorelab.api.ScoreFunction;
import io.scorelab.plugins.schedules.GeometricSchedule;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NcsnLossTest {

    private static final GeometricSchedule SCHEDULE = new GeometricSchedule(0.01, 10, 10);

    /**
     * The weighting lambda(sigma) = sigma^2 on the worked example x = 2, z = 0.5 with output -0.4 at
     * every level: l = 1/2 (sigma (-0.4) + 0.5)^2, which is the cheatsheet's 0.005 at sigma = 1.
     */
    @Test
    void weightsEachLevelBySigmaSquared() {
        GeometricSchedule schedule = new GeometricSchedule(0.1, 10, 3);
        int n = 64;
        Engine.getInstance().setRandomSeed(21);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray[] seenX = new NDArray[1];
            ScoreFunction constant = (x, t) -> {
                seenX[0] = x;
                return x.zerosLike().sub(0.4f);
            };

            LossValue value = new NcsnLoss().compute(
                    constant, schedule, manager.full(new Shape(n, 1), 2f), manager.full(new Shape(n, 1), 0.5f));

            float[] sigmas = value.noiseLevel().toFloatArray();
            float[] terms = value.perExample().toFloatArray();
            float[] noised = seenX[0].toFloatArray();
            // All 3 levels are drawn (a level is missed with probability 3 (2/3)^64 = 2e-11), each as
            // a float32 sigma(t) within 1e-6 relative of 0.1, 1 or 10.
            assertThat(IntStream.range(0, n).map(i -> (int) Math.round(Math.log10(sigmas[i]))).distinct().sorted())
                    .containsExactly(-1, 0, 1);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double sigma = sigmas[i];
                double expected = 0.5 * Math.pow(-0.4 * sigma + 0.5, 2);
                // A few float32 roundings of values below 10 (spacing 1e-6).
                assertThat((double) noised[i]).isCloseTo(2 + 0.5 * sigma, within(1e-5));
                assertThat((double) terms[i]).isCloseTo(expected, within(1e-5));
                if (Math.abs(sigma - 1) < 1e-5) {
                    assertThat((double) terms[i]).isCloseTo(0.005, within(1e-6));
                }
                sum += terms[i];
            }
            assertThat((double) value.loss().getFloat()).isCloseTo(sum / n, within(1e-5));
        }
    }

    /**
     * Gaussian data N(0, c I) in d dimensions at level sigma, scored exactly: sigma s + z = (c z -
     * sigma x_0) / (c + sigma^2) has per-coordinate variance v = c / (c + sigma^2), so l = |w|^2 / 2
     * with w ~ N(0, v I): E[l] = d v / 2 and Var[l] = d v^2 / 2. Each level's mean is checked, and the
     * batch loss against (1/L) sum_i d v_i / 2 with the law of total variance.
     */
    @Test
    void meanLossAtTheExactScoreMatchesTheClosedFormAtEveryLevel() {
        int n = 100_000;
        int d = 16;
        double c = 2.0;
        double[] sigmas = SCHEDULE.sigmas();
        int levels = sigmas.length;
        Engine.getInstance().setRandomSeed(22);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(0f, (float) Math.sqrt(c), new Shape(n, d), DataType.FLOAT32);

            LossValue value = new NcsnLoss().compute(exactScore(SCHEDULE, c), SCHEDULE, x0);

            float[] noiseLevels = value.noiseLevel().toFloatArray();
            float[] terms = value.perExample().toFloatArray();
            double[] sums = new double[levels];
            int[] counts = new int[levels];
            for (int k = 0; k < n; k++) {
                int level = nearestLevel(sigmas, noiseLevels[k]);
                // float32 sigma(t) is within 1e-6 relative of its level; levels are 2.15x apart.
                assertThat((double) noiseLevels[k]).isCloseTo(sigmas[level], within(1e-5 * sigmas[level]));
                sums[level] += terms[k];
                counts[level]++;
            }
            double expectedLoss = 0;
            double meanOfVariances = 0;
            double meanOfSquaredMeans = 0;
            for (int i = 0; i < levels; i++) {
                double v = c / (c + sigmas[i] * sigmas[i]);
                double expected = d * v / 2;
                // Levels are uniform: each count is binomial(n, 1/L); 4 standard deviations.
                assertThat((double) counts[i]).isCloseTo((double) n / levels,
                        within(4 * Math.sqrt(n * (1.0 / levels) * (1 - 1.0 / levels))));
                // 4 standard errors of the level's mean: a false alarm has probability 6e-5 per level.
                assertThat(sums[i] / counts[i]).as("level %d, sigma %s", i, sigmas[i])
                        .isCloseTo(expected, within(4 * v * Math.sqrt(d / 2.0 / counts[i])));
                expectedLoss += expected / levels;
                meanOfVariances += d * v * v / 2 / levels;
                meanOfSquaredMeans += expected * expected / levels;
            }
            double variance = meanOfVariances + meanOfSquaredMeans - expectedLoss * expectedLoss;
            assertThat((double) value.loss().getFloat()).isCloseTo(expectedLoss, within(4 * Math.sqrt(variance / n)));
        }
    }

    /**
     * The exact score minimizes J: scaling it by 1 + eps raises the expected term at level sigma by
     * 1/2 eps^2 sigma^2 E|s|^2 = eps^2 d sigma^2 / (2 (c + sigma^2)), averaged over the levels; the
     * same times, noise and data are used for both.
     */
    @Test
    void theExactScoreIsTheMinimizer() {
        int n = 50_000;
        int d = 4;
        double c = 1.0;
        double eps = 0.2;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(23);
            NDArray x0 = manager.randomNormal(0f, (float) Math.sqrt(c), new Shape(n, d), DataType.FLOAT32);
            ScoreFunction exact = exactScore(SCHEDULE, c);
            Engine.getInstance().setRandomSeed(24);
            LossValue atExact = new NcsnLoss().compute(exact, SCHEDULE, x0);
            Engine.getInstance().setRandomSeed(24);
            LossValue perturbed = new NcsnLoss().compute((x, t) -> exact.score(x, t).mul(1 + eps), SCHEDULE, x0);

            assertThat(perturbed.noiseLevel().toFloatArray()).containsExactly(atExact.noiseLevel().toFloatArray());
            double expected = 0;
            for (double sigma : SCHEDULE.sigmas()) {
                expected += eps * eps * d * sigma * sigma / (2 * (c + sigma * sigma)) / SCHEDULE.sigmas().length;
            }
            NDArray difference = perturbed.perExample().sub(atExact.perExample());
            double mean = difference.mean().getFloat();
            // The standard error of the mean difference, estimated from the n differences themselves.
            double standardError = Math.sqrt(difference.sub(mean).square().sum().getFloat() / (n - 1.0) / n);
            assertThat(atExact.loss().getFloat()).isLessThan(perturbed.loss().getFloat());
            assertThat(mean).isCloseTo(expected, within(4 * standardError));
        }
    }

    private static int nearestLevel(double[] sigmas, double sigma) {
        int best = 0;
        for (int i = 1; i < sigmas.length; i++) {
            if (Math.abs(Math.log(sigmas[i] / sigma)) < Math.abs(Math.log(sigmas[best] / sigma))) {
                best = i;
            }
        }
        return best;
    }
}
