package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.AnalyticDensity;
import io.scorelab.api.Modes;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.ScoreFunction;
import io.scorelab.plugins.datasets.GaussianMixtureDataset;
import io.scorelab.plugins.schedules.GeometricSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnealedLangevinSamplerTest {

    /** The exact score of the data noised to the schedule's sigma(t). */
    private static ScoreFunction exactScore(GaussianMixtureDataset data, NoiseSchedule schedule) {
        AnalyticDensity density = data.density().orElseThrow();
        return (x, t) -> density.score(x, schedule.sigma(t));
    }

    /** Per mode: the fraction of samples nearest to it, then the pooled within-mode std (last entry). */
    private static double[] frequenciesAndSpread(float[] xs, Modes modes) {
        int n = xs.length / 2;
        double[] result = new double[modes.count() + 1];
        double squared = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int k = 0; k < modes.count(); k++) {
                double d = Math.pow(xs[2 * i] - modes.means()[k][0], 2) + Math.pow(xs[2 * i + 1] - modes.means()[k][1], 2);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = k;
                }
            }
            result[best] += 1.0 / n;
            squared += bestDistance;
        }
        result[modes.count()] = Math.sqrt(squared / (2.0 * n));
        return result;
    }

    @Test
    void theDefaultsRecoverTheQuickstartMixtureFromItsExactScore() {
        GaussianMixtureDataset gmm = new GaussianMixtureDataset(8, 4.0, 0.2, new double[0]);
        GeometricSchedule schedule = new GeometricSchedule(0.01, 10, 10);
        AnnealedLangevinSampler sampler = new AnnealedLangevinSampler(100, 1e-4, true, 10);
        int n = 2000;
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = sampler.sample(exactScore(gmm, schedule), schedule, new SampleNoise(7, 0), manager,
                    new Shape(n, 2));
            assertThat(result.nfe()).isEqualTo(10 * 100 + 1);
            assertThat(result.samples().getShape()).isEqualTo(new Shape(n, 2));
            double[] stats = frequenciesAndSpread(result.samples().toFloatArray(), gmm.modes().orElseThrow());
            for (int k = 0; k < 8; k++) {
                // 4 binomial standard errors sqrt(w (1 - w) / n) = 0.030 for w = 1/8.
                assertThat(stats[k]).as("fraction of mode %d", k).isCloseTo(0.125, within(4 * Math.sqrt(0.125 * 0.875 / n)));
            }
            // Exact samples of p_{sigma_L} denoised by Tweedie's formula lie around each mean with std
            // std^2 / sqrt(std^2 + sigma_L^2) = 0.19975; the pooled std of 2n coordinates has relative
            // standard error 1 / sqrt(4 n), and 4 of them is 0.009.
            double ideal = 0.04 / Math.sqrt(0.04 + 1e-4);
            assertThat(stats[8]).as("within-mode std").isCloseTo(ideal, within(ideal * 4 / Math.sqrt(4.0 * n)));
        }
    }

    /**
     * Song and Ermon's toy example (NCSN section 3.2.2 and its reference code): p = 0.8 N((5, 5), I) +
     * 0.2 N((-5, -5), I), where plain Langevin dynamics gets the weights wrong and annealed Langevin
     * dynamics with L = 10 geometric levels from 20 to 1 and eps = 0.1 recovers them; here the same
     * mixture, rotated. With the paper's T = 100 the chain is not quite in equilibrium at the levels where
     * the modes separate, and the weight comes out 0.785 +- 0.002 (mean of 20 reference runs); T = 400
     * gives 0.798 +- 0.002, so the remaining error is the binomial one.
     */
    @Test
    void theNcsnTwoModeExampleKeepsItsWeights() {
        GaussianMixtureDataset twoModes = new GaussianMixtureDataset(2, 5 * Math.sqrt(2), 1.0, new double[] {0.8, 0.2});
        GeometricSchedule schedule = new GeometricSchedule(1, 20, 10);
        AnnealedLangevinSampler sampler = new AnnealedLangevinSampler(400, 0.1, false, 10);
        int n = 2000;
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = sampler.sample(exactScore(twoModes, schedule), schedule, new SampleNoise(3, 0), manager,
                    new Shape(n, 2));
            assertThat(result.nfe()).isEqualTo(4000);
            double[] stats = frequenciesAndSpread(result.samples().toFloatArray(), twoModes.modes().orElseThrow());
            // 4 binomial standard errors sqrt(0.8 * 0.2 / n) = 0.036.
            assertThat(stats[0]).isCloseTo(0.8, within(4 * Math.sqrt(0.8 * 0.2 / n)));
        }
    }

    /**
     * For data N(0, I) the exact score at level i is -x / v_i with v_i = 1 + sigma_i^2, so each step is a
     * linear Gaussian map and the variance of every coordinate follows V &lt;- (1 - alpha_i / (2 v_i))^2 V +
     * alpha_i from the prior's sigma_max^2; the Tweedie step x / v_L divides it by v_L^2.
     */
    @Test
    void aGaussianTargetFollowsTheClosedFormVarianceRecursion() {
        GeometricSchedule schedule = new GeometricSchedule(0.01, 10, 10);
        double eps = 1e-4;
        int steps = 5;
        AnnealedLangevinSampler sampler = new AnnealedLangevinSampler(steps, eps, true, 10);
        double variance = 100;
        for (double sigma : schedule.sigmas()) {
            double v = 1 + sigma * sigma;
            double alpha = eps * sigma * sigma / 1e-4;
            for (int i = 0; i < steps; i++) {
                variance = Math.pow(1 - alpha / (2 * v), 2) * variance + alpha;
            }
        }
        variance /= Math.pow(1 + 1e-4, 2);
        int n = 20_000;
        try (NDManager manager = NDManager.newBaseManager()) {
            ScoreFunction standardNormal = (x, t) -> x.div(schedule.sigma(t).square().add(1).reshape(-1, 1)).neg();
            NDArray samples = sampler.sample(standardNormal, schedule, new SampleNoise(13, 0), manager, new Shape(n, 2))
                    .samples();
            double sampleVariance = samples.toType(DataType.FLOAT64, false).square().mean().getDouble();
            // The samples are exactly Gaussian with mean 0: the variance estimate from 2n coordinates has
            // relative standard error sqrt(2 / (2 n)); 4 of them is 2.8 %.
            assertThat(sampleVariance).isCloseTo(variance, within(variance * 4 * Math.sqrt(1.0 / n)));
        }
    }

    @Test
    void visitsEveryLevelInOrderAndKeepsOnlyTheSamples() {
        GeometricSchedule schedule = new GeometricSchedule(0.01, 10, 10);
        List<Float> times = new ArrayList<>();
        ScoreFunction recording = (x, t) -> {
            times.add(t.getFloat(0));
            assertThat(t.getShape()).isEqualTo(new Shape(x.getShape().get(0)));
            return x.zerosLike();
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = new AnnealedLangevinSampler(3, 1e-4, true, 10)
                    .sample(recording, schedule, new SampleNoise(0, 0), manager, new Shape(4, 2));
            assertThat(result.nfe()).isEqualTo(31).isEqualTo(times.size());
            double[] grid = schedule.discretization(10);
            for (int i = 0; i < 30; i++) {
                assertThat((double) times.get(i)).isCloseTo(grid[i / 3], within(1e-6));
            }
            assertThat((double) times.get(30)).isCloseTo(grid[9], within(1e-6));
            // Every step's arrays, and the states it replaced, were closed with the step: memory stays flat (the
            // trajectory's few kept rows are one stacked array).
            assertThat(manager.getManagedArrays())
                    .containsExactlyInAnyOrder(result.samples(), result.trajectory().orElseThrow().states());
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = new AnnealedLangevinSampler(2, 1e-4, false, 10)
                    .sample(recording, schedule, new SampleNoise(0, 0), manager, new Shape(4, 2));
            assertThat(result.nfe()).isEqualTo(20);
        }
    }
}
