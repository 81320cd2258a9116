package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdmSamplerTest {

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final VeSchedule VE = new VeSchedule(0.01, 50, 1e-5);

    private static EdmSampler deterministic(int steps) {
        return new EdmSampler(steps, 7, 0, 0, INF, 1, Double.NaN, Double.NaN);
    }

    /** Karras et al.'s grid: sigma_max, then (a + i / (N - 1) (b - a))^rho, ending at sigma_min and 0. */
    @Test
    void theGridRunsFromSigmaMaxToSigmaMinThenZero() {
        double[] levels = deterministic(5).levels(0.002, 80);
        double a = Math.pow(80, 1 / 7.0);
        double b = Math.pow(0.002, 1 / 7.0);
        assertThat(levels).hasSize(6);
        assertThat(levels[0]).isEqualTo(80);
        for (int i = 1; i < 4; i++) {
            assertThat(levels[i]).isCloseTo(Math.pow(a + i / 4.0 * (b - a), 7), within(1e-12));
        }
        assertThat(levels[4]).isEqualTo(0.002);
        assertThat(levels[5]).isZero();
    }

    /**
     * The score sees, in noise levels, t_0, t_1 (Heun's second evaluation), t_1, t_2, ..., t_{N-1} and nothing at t_N = 0:
     * 2N - 1 evaluations; sigma_min and sigma_max default to sigma(t_eps) and sigma(T).
     */
    @Test
    void heunCorrectsEveryStepButTheLast() {
        List<Double> sigmas = new ArrayList<>();
        ScoreFunction recording = (x, t) -> {
            sigmas.add(VE.sigmaAt(t.getFloat(0)));
            return x.zerosLike();
        };
        EdmSampler sampler = deterministic(6);
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = sampler.sample(recording, VE, new SampleNoise(0, 0), manager, new Shape(2, 2));
            assertThat(result.nfe()).isEqualTo(11).isEqualTo(sigmas.size());
            double[] levels = sampler.levels(VE.sigmaAt(1e-5), 50);
            for (int k = 0; k < sigmas.size(); k++) {
                // float32 times: sigma(t) = 0.01 5000^t is known to 1e-6 relative.
                assertThat(sigmas.get(k)).isCloseTo(levels[(k + 1) / 2], within(1e-5 * levels[(k + 1) / 2]));
            }
            assertThat(manager.getManagedArrays())
                    .containsExactlyInAnyOrder(result.samples(), result.trajectory().orElseThrow().states());
        }
    }

    /**
     * For Gaussian data N(mu, v) the ODE is linear: d(x - mu)/dsigma = sigma (x - mu) / (v + sigma^2). So every sample
     * is x_N - mu = c (x_0 - mu), with c the same Heun recursion run on the number 1; x_0 is drawn again with the
     * same noise. This checks Algorithm 2 step by step, including the Euler-only last step (t_N = 0 gives Tweedie's
     * x + t^2 s). With 18 steps the output variance c^2 (v + sigma_max^2) is 1.0782 v for v = 0.25 instead of v (an
     * independent float64 run of the same recursion gave 1.07825): EDM's discretization error at 18 steps.
     */
    @Test
    void eachSampleFollowsTheHeunRecursionOfTheExactFlow() {
        DiagonalGaussian data = new DiagonalGaussian(new double[] {1.0, -0.5}, new double[] {0.25, 1.0});
        EdmSampler sampler = deterministic(18);
        double[] levels = sampler.levels(VE.sigmaAt(1e-5), 50);
        double[] gains = new double[2];
        for (int j = 0; j < 2; j++) {
            double v = data.variance()[j];
            double c = 1;
            for (int i = 0; i < 18; i++) {
                double t = levels[i];
                double next = levels[i + 1];
                double d = c * t / (v + t * t);
                double euler = c + (next - t) * d;
                c = next == 0 ? euler : c + (next - t) * (d + euler * next / (v + next * next)) / 2;
            }
            gains[j] = c;
        }
        assertThat(gains[0] * gains[0] * (0.25 + 2500)).isCloseTo(0.25 * 1.07825, within(0.25 * 1e-4));
        int n = 100;
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] out = sampler.sample(data.score(VE), VE, new SampleNoise(21, 0), manager, new Shape(n, 2)).samples()
                    .toFloatArray();
            float[] start = new SampleNoise(21, 0).normal(manager, new Shape(n, 2), DataType.FLOAT32).mul(50f)
                    .toFloatArray();
            for (int i = 0; i < 2 * n; i++) {
                int j = i % 2;
                double expected = data.mean()[j] + gains[j] * (start[i] - data.mean()[j]);
                // float32 arithmetic over 35 evaluations on values up to 150: 1e-4 absolute.
                assertThat((double) out[i]).isCloseTo(expected, within(1e-4));
            }
        }
    }

    /** gamma = min(S_churn / N, sqrt 2 - 1) raises t_i to t_i (1 + gamma) inside [S_min, S_max], capped at sigma(T). */
    @Test
    void churnRaisesTheLevelsInItsRange() {
        List<Double> sigmas = new ArrayList<>();
        ScoreFunction recording = (x, t) -> {
            sigmas.add(VE.sigmaAt(t.getFloat(0)));
            return x.zerosLike();
        };
        EdmSampler sampler = new EdmSampler(4, 7, 1, 0.05, 10, 1, Double.NaN, Double.NaN);
        try (NDManager manager = NDManager.newBaseManager()) {
            sampler.sample(recording, VE, new SampleNoise(0, 0), manager, new Shape(2, 2));
        }
        double[] levels = sampler.levels(VE.sigmaAt(1e-5), 50);
        double gamma = 1 / 4.0;
        // Level 0 (50) and the last (0.01) lie outside [0.05, 10]; levels 1 and 2 (6.3 and 0.50) inside.
        assertThat(sigmas.get(0)).isCloseTo(50, within(1e-3));
        assertThat(sigmas.get(2)).isCloseTo(levels[1] * (1 + gamma), within(1e-4 * levels[1]));
        assertThat(sigmas.get(4)).isCloseTo(levels[2] * (1 + gamma), within(1e-4 * levels[2]));
        assertThat(sigmas.get(6)).isCloseTo(levels[3], within(1e-4 * levels[3]));
        // With churn everywhere the top level would rise above sigma(T) = 50; it stays at 50.
        List<Double> top = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            new EdmSampler(4, 7, 40, 0, INF, 1, Double.NaN, Double.NaN)
                    .sample((x, t) -> {
                        top.add(VE.sigmaAt(t.getFloat(0)));
                        return x.zerosLike();
                    }, VE, new SampleNoise(0, 0), manager, new Shape(2, 2));
        }
        assertThat(top.get(0)).isCloseTo(50, within(1e-3));
        assertThat(top.get(2)).isCloseTo(levels[1] * Math.sqrt(2), within(1e-4 * levels[1]));
    }

    @Test
    void schedulesWithAlphaBelowOneAreRefused() {
        NoiseSchedule vp = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> deterministic(5).sample((x, t) -> x, vp, new SampleNoise(0, 0), manager,
                    new Shape(2, 2)))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("alpha(t) = 1");
            assertThatThrownBy(() -> new EdmSampler(5, 7, 0, 0, INF, 1, 0.001, 80).sample((x, t) -> x, VE,
                    new SampleNoise(0, 0), manager, new Shape(2, 2)))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("sampler.sigma_min = 0.001");
        }
    }
}
