package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.ScoreFunction;
import io.scorelab.plugins.schedules.SubVpSchedule;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PredictorCorrectorTest {

    private static final VeSchedule VE = new VeSchedule(0.01, 50, 1e-5);
    private static final VpSchedule VP = new VpSchedule(0.1, 20, 1e-3, 1e-5);
    /** s(x) = -2 x: linear, so every mean step is a known multiple of x. */
    private static final ScoreFunction LINEAR = (x, t) -> x.mul(-2);

    /**
     * VE: a_i = 1 and G_i^2 = sigma_i^2 - sigma_{i+1}^2; VP: G_i^2 = beta_i = 1 - a_i^2 with a_i = alpha_i /
     * alpha_{i+1}; after the last grid level comes the data (alpha 1, sigma 0); sub-VP gets sigma_i^2 - a_i^2
     * sigma_{i+1}^2 with its own sigma = 1 - alpha^2.
     */
    @Test
    void theChainHasNcsnsAndDdpmsTransitions() {
        ForwardChain ve = ForwardChain.of(VE, new double[] {1.0, 0.5});
        assertThat(ve.varianceExploding()).isTrue();
        assertThat(ve.meanRatio(0)).isEqualTo(1.0);
        assertThat(ve.stepVariance(0)).isCloseTo(2500 - 0.01 * 0.01 * 5000, within(1e-9));
        assertThat(ve.stepVariance(1)).isCloseTo(0.01 * 0.01 * 5000, within(1e-12));

        ForwardChain vp = ForwardChain.of(VP, new double[] {0.6, 0.2});
        assertThat(vp.varianceExploding()).isFalse();
        double a = VP.alphaAt(0.6) / VP.alphaAt(0.2);
        assertThat(vp.meanRatio(0)).isCloseTo(a, within(1e-15));
        assertThat(vp.stepVariance(0)).isCloseTo(1 - a * a, within(1e-12));
        assertThat(vp.meanRatio(1)).isCloseTo(VP.alphaAt(0.2), within(1e-15));
        assertThat(vp.stepVariance(1)).isCloseTo(1 - Math.pow(VP.alphaAt(0.2), 2), within(1e-12));

        SubVpSchedule subVp = new SubVpSchedule(0.1, 20, 1e-3, 1e-5);
        ForwardChain sub = ForwardChain.of(subVp, new double[] {0.6, 0.2});
        double b = subVp.alphaAt(0.6) / subVp.alphaAt(0.2);
        assertThat(sub.stepVariance(0)).isCloseTo(Math.pow(1 - Math.pow(subVp.alphaAt(0.6), 2), 2)
                - b * b * Math.pow(1 - Math.pow(subVp.alphaAt(0.2), 2), 2), within(1e-12));
    }

    /** @return the mean step of a predictor on x = (1, -2) at level i, as multiples of x */
    private static float[] meanStep(Predictor predictor, NoiseSchedule schedule, double[] grid, int i) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ReverseProcess process = new ReverseProcess(LINEAR, schedule, manager);
            NDArray x = manager.create(new float[] {1, -2}, new Shape(1, 2));
            return predictor.step(process, ForwardChain.of(schedule, grid), i, x, true).toFloatArray();
        }
    }

    /**
     * With s = -2 x every mean step multiplies x by a number: Euler-Maruyama on VP gives x - [-beta x / 2 - beta (-2
     * x)] h = (1 - 3 beta h / 2) x, with h = 0.4 from t = 0.6 to 0.2 and h = 0.2 from t = 0.2 to the data at t = 0;
     * reverse diffusion (2 - a - 2 G^2) x; ancestral (1 - 2 G^2) x / a.
     */
    @Test
    void meanStepsFollowTheirFormulas() {
        double[] grid = {0.6, 0.2};
        double beta6 = 0.1 + 0.6 * 19.9;
        double beta2 = 0.1 + 0.2 * 19.9;
        assertThat(meanStep(Predictor.EULER_MARUYAMA, VP, grid, 0)).containsExactly(
                new float[] {(float) (1 - 1.5 * beta6 * 0.4), (float) (-2 * (1 - 1.5 * beta6 * 0.4))}, within(1e-5f));
        assertThat(meanStep(Predictor.EULER_MARUYAMA, VP, grid, 1)).containsExactly(
                new float[] {(float) (1 - 1.5 * beta2 * 0.2), (float) (-2 * (1 - 1.5 * beta2 * 0.2))}, within(1e-5f));
        double a = VP.alphaAt(0.6) / VP.alphaAt(0.2);
        double beta = 1 - a * a;
        assertThat(meanStep(Predictor.REVERSE_DIFFUSION, VP, grid, 0)).containsExactly(
                new float[] {(float) (2 - a - 2 * beta), (float) (-2 * (2 - a - 2 * beta))}, within(1e-5f));
        assertThat(meanStep(Predictor.ANCESTRAL, VP, grid, 0)).containsExactly(
                new float[] {(float) ((1 - 2 * beta) / a), (float) (-2 * (1 - 2 * beta) / a)}, within(1e-5f));
        // VE, last level: reverse diffusion's mean is Tweedie's x + sigma_last^2 s.
        double last = VE.sigmaAt(0.5);
        assertThat(meanStep(Predictor.REVERSE_DIFFUSION, VE, new double[] {1.0, 0.5}, 1)).containsExactly(
                new float[] {(float) (1 - 2 * last * last), (float) (-2 * (1 - 2 * last * last))}, within(1e-5f));
        assertThat(meanStep(Predictor.NONE, VE, new double[] {1.0, 0.5}, 0)).containsExactly(1f, -2f);
    }

    /** @return the standard deviation of x_new - x_mean over 20000 one-dimensional steps from x = 0 */
    private static double noiseStd(Predictor predictor, NoiseSchedule schedule, double[] grid) {
        int n = 20_000;
        try (NDManager manager = NDManager.newBaseManager()) {
            ReverseProcess process = new ReverseProcess((x, t) -> x.zerosLike(), schedule, new SampleNoise(2, 0), manager);
            NDArray x = manager.zeros(new Shape(n, 1));
            NDArray next = predictor.step(process, ForwardChain.of(schedule, grid), 0, x, false);
            return next.toType(DataType.FLOAT64, false).square().mean().sqrt().getDouble();
        }
    }

    /**
     * The noise of each step (from x = 0 with a zero score, x_new is the noise itself): Euler-Maruyama g(t_i)
     * sqrt(h_i); reverse diffusion G_i; ancestral G_i for VP and NCSN's posterior sigma_{i+1} G_i / sigma_i for VE.
     * 20000 draws estimate a standard deviation with relative standard error 1 / sqrt(2 n) = 0.5 %; tolerance 2 %.
     */
    @Test
    void stepNoiseHasItsStandardDeviation() {
        double[] vp = {0.6, 0.2};
        double[] ve = {0.8, 0.4};
        double a = VP.alphaAt(0.6) / VP.alphaAt(0.2);
        double g2 = 2 * Math.log(5000) * Math.pow(VE.sigmaAt(0.8), 2);
        double[][] cases = {
            {noiseStd(Predictor.EULER_MARUYAMA, VP, vp), Math.sqrt((0.1 + 0.6 * 19.9) * 0.4)},
            {noiseStd(Predictor.EULER_MARUYAMA, VE, ve), Math.sqrt(g2 * 0.4)},
            {noiseStd(Predictor.REVERSE_DIFFUSION, VP, vp), Math.sqrt(1 - a * a)},
            {noiseStd(Predictor.ANCESTRAL, VP, vp), Math.sqrt(1 - a * a)},
            {noiseStd(Predictor.REVERSE_DIFFUSION, VE, ve), Math.sqrt(Math.pow(VE.sigmaAt(0.8), 2) - Math.pow(VE.sigmaAt(0.4), 2))},
            {noiseStd(Predictor.ANCESTRAL, VE, ve), VE.sigmaAt(0.4) / VE.sigmaAt(0.8)
                    * Math.sqrt(Math.pow(VE.sigmaAt(0.8), 2) - Math.pow(VE.sigmaAt(0.4), 2))},
        };
        for (double[] c : cases) {
            assertThat(c[0]).isCloseTo(c[1], within(0.02 * c[1]));
        }
    }

    /**
     * The Langevin corrector's step eps = 2 r (snr ||z|| / ||s||)^2 with batch-mean norms: for s = (3, 4) in every
     * example ||s|| = 5, and the mean norm of 2-D standard normal noise over 20000 examples is sqrt(pi / 2) =
     * 1.2533 (relative standard error 0.4 %, so eps is known to 0.8 %; tolerance 3 %). ALD: eps = 2 r (snr
     * sigma_i)^2 exactly. r = alpha_i^2 / alpha_{i+1}^2 on VP.
     */
    @Test
    void correctorStepsHaveTheirSize() {
        int n = 20_000;
        double snr = 0.16;
        double[] grid = {0.6, 0.2};
        double a = VP.alphaAt(0.6) / VP.alphaAt(0.2);
        try (NDManager manager = NDManager.newBaseManager()) {
            ScoreFunction constant = (x, t) -> x.getManager().create(new float[] {3, 4}).reshape(1, 2).repeat(0, n);
            ReverseProcess process = new ReverseProcess(constant, VP, new SampleNoise(9, 0), manager);
            ForwardChain chain = ForwardChain.of(VP, grid);
            NDArray x = manager.zeros(new Shape(n, 2));
            double langevin = Corrector.LANGEVIN.step(process, chain, 0, x, snr, true).getFloat(0, 0) / 3.0;
            double expected = 2 * a * a * Math.pow(snr * Math.sqrt(Math.PI / 2) / 5, 2);
            assertThat(langevin).isCloseTo(expected, within(0.03 * expected));
            double ald = Corrector.ALD.step(process, chain, 0, x, snr, true).getFloat(0, 0) / 3.0;
            assertThat(ald).isCloseTo(2 * a * a * Math.pow(snr * VP.sigmaAt(0.6), 2), within(1e-6));
        }
    }

    /** The corrector runs before the predictor at every level; the last predictor step ends at the data. */
    @Test
    void correctorsPrecedeThePredictorAtEachLevel() {
        List<Float> times = new ArrayList<>();
        ScoreFunction recording = (x, t) -> {
            times.add(t.getFloat(0));
            return x.zerosLike();
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = new PcSampler(4, "reverse_diffusion", "ald", 2, 0.16, true)
                    .sample(recording, VP, new SampleNoise(0, 0), manager, new Shape(3, 2));
            assertThat(result.nfe()).isEqualTo(4 * 3).isEqualTo(times.size());
            double[] grid = VP.discretization(4);
            for (int k = 0; k < times.size(); k++) {
                assertThat((double) times.get(k)).isCloseTo(grid[k / 3], within(1e-6));
            }
            assertThat(manager.getManagedArrays())
                    .containsExactlyInAnyOrder(result.samples(), result.trajectory().orElseThrow().states());
        }
    }

    /** score_sde's defaults: VE reverse_diffusion + langevin (2 evaluations per level), VP euler_maruyama alone. */
    @ParameterizedTest
    @CsvSource({"ve, REVERSE_DIFFUSION, LANGEVIN, 20", "vp, EULER_MARUYAMA, NONE, 10", "subvp, EULER_MARUYAMA, NONE, 10"})
    void autoFollowsScoreSdePerSchedule(String name, Predictor predictor, Corrector corrector, int nfe) {
        NoiseSchedule schedule = switch (name) {
            case "ve" -> VE;
            case "vp" -> VP;
            default -> new SubVpSchedule(0.1, 20, 1e-3, 1e-5);
        };
        PcSampler sampler = new PcSampler(10, "auto", "auto", 1, 0.16, true);
        PredictorCorrector loop = sampler.loop(schedule);
        assertThat(loop.predictor()).isEqualTo(predictor);
        assertThat(loop.corrector()).isEqualTo(corrector);
        try (NDManager manager = NDManager.newBaseManager()) {
            DiagonalGaussian data = new DiagonalGaussian(new double[] {0, 0}, new double[] {1, 1});
            assertThat(sampler.sample(data.score(schedule), schedule, new SampleNoise(0, 0), manager, new Shape(4, 2)).nfe())
                    .isEqualTo(nfe);
        }
    }

    @Test
    void correctorOnlyCostsKEvaluationsPerLevel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DiagonalGaussian data = new DiagonalGaussian(new double[] {0, 0}, new double[] {1, 1});
            SampleResult result = new PcSampler(7, "none", "langevin", 3, 0.16, false)
                    .sample(data.score(VE), VE, new SampleNoise(0, 0), manager, new Shape(4, 2));
            assertThat(result.nfe()).isEqualTo(21);
        }
    }
}
