package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.plugins.schedules.GeometricSchedule;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DdimSamplerTest {

    private static final VpSchedule VP = new VpSchedule(0.1, 20, 1e-3, 1e-5);

    /**
     * Lin et al. 2024, table 2: N = 1000 training steps, S = 10 sampling steps, 1-based step indices. A geometric
     * schedule with 1000 levels is a discrete grid t = (i - 1) / 999 for i = 1, ..., 1000.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "linspace | 1000 889 778 667 556 445 334 223 112 1",
        "leading  | 901 801 701 601 501 401 301 201 101 1",
        "trailing | 1000 900 800 700 600 500 400 300 200 100",
    })
    void spacingsPickLinEtAlsStepsOfADiscreteGrid(String spacing, String indices) {
        GeometricSchedule grid = new GeometricSchedule(0.01, 10, 1000);
        double[] times = new DdimSampler(10, 0, spacing).times(grid);
        long[] picked = Arrays.stream(times).mapToLong(t -> Math.round(t * 999) + 1).toArray();
        assertThat(picked).containsExactly(Arrays.stream(indices.split(" ")).mapToLong(Long::parseLong).toArray());
    }

    /** On a continuous schedule: delta = (T - t_eps) / S, leading t_eps + k delta, trailing T - k delta. */
    @Test
    void continuousSpacingsStayInTheScheduleRange() {
        VeSchedule ve = new VeSchedule(0.01, 50, 0.2);
        assertThat(new DdimSampler(4, 0, "leading").times(ve)).containsExactly(new double[] {0.8, 0.6, 0.4, 0.2}, within(1e-12));
        assertThat(new DdimSampler(4, 0, "trailing").times(ve)).containsExactly(new double[] {1.0, 0.8, 0.6, 0.4}, within(1e-12));
        assertThat(new DdimSampler(5, 0, "linspace").times(ve)).containsExactly(ve.discretization(5));
    }

    /**
     * One deterministic step on VP with s = -2 x: eps = 2 sigma_t x, x0 = (1 - 2 sigma_t^2) x / alpha_t, x_prev =
     * alpha_prev x0 + sigma_prev eps; with eta = 1 the noise is DDPM's posterior std eta sqrt((1 - ab_prev) / (1 -
     * ab_t)) sqrt(1 - ab_t / ab_prev), in the VP notation of the paper.
     */
    @Test
    void oneStepFollowsTheDdimUpdate() {
        DdimSampler deterministic = new DdimSampler(2, 0, "linspace");
        ForwardChain chain = ForwardChain.of(VP, new double[] {0.6, 0.2});
        double at = VP.alphaAt(0.6);
        double st = VP.sigmaAt(0.6);
        double ap = VP.alphaAt(0.2);
        double sp = VP.sigmaAt(0.2);
        double gain = ap * (1 - 2 * st * st) / at + sp * 2 * st;
        try (NDManager manager = NDManager.newBaseManager()) {
            ReverseProcess process = new ReverseProcess((x, t) -> x.mul(-2), VP, manager);
            float[] next = deterministic.step(process, chain, 0, manager.create(new float[] {1, -2}, new Shape(1, 2)))
                    .toFloatArray();
            assertThat(next).containsExactly(new float[] {(float) gain, (float) (-2 * gain)}, within(1e-5f));
            // The last step goes to alpha = 1, sigma = 0: x0 itself.
            float[] last = deterministic.step(process, chain, 1, manager.create(new float[] {1, -2}, new Shape(1, 2)))
                    .toFloatArray();
            double x0 = (1 - 2 * sp * sp) / ap;
            assertThat(last).containsExactly(new float[] {(float) x0, (float) (-2 * x0)}, within(1e-5f));
        }
        // eta = 1, zero score, x = 0: x_prev is the noise alone. 20000 draws: 0.5 % standard error; tolerance 2 %.
        double abT = at * at;
        double abP = ap * ap;
        double posterior = Math.sqrt((1 - abP) / (1 - abT)) * Math.sqrt(1 - abT / abP);
        int n = 20_000;
        try (NDManager manager = NDManager.newBaseManager()) {
            ReverseProcess process = new ReverseProcess((x, t) -> x.zerosLike(), VP, new SampleNoise(12, 0), manager);
            NDArray noise = new DdimSampler(2, 1, "linspace").step(process, chain, 0, manager.zeros(new Shape(n, 1)));
            double std = noise.toType(DataType.FLOAT64, false).square().mean().sqrt().getDouble();
            assertThat(std).isCloseTo(posterior, within(0.02 * posterior));
        }
    }

    /** One step from T: for N(0, I) data s = -x on VP, so the output is x0 = alpha_T x_T exactly. */
    @Test
    void aSingleStepReturnsTheDenoisedEstimate() {
        DiagonalGaussian standard = new DiagonalGaussian(new double[] {0, 0}, new double[] {1, 1});
        int n = 10;
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = new DdimSampler(1, 1, "trailing").sample(standard.score(VP), VP, new SampleNoise(13, 0),
                    manager, new Shape(n, 2));
            assertThat(result.nfe()).isEqualTo(1);
            float[] prior = VP.samplePrior(manager, new Shape(n, 2), new SampleNoise(13, 0)).toFloatArray();
            float[] out = result.samples().toFloatArray();
            for (int i = 0; i < 2 * n; i++) {
                // x + sigma_T^2 s = (1 - sigma_T^2) x cancels in float32: 1 - sigma_T^2 = alpha_T^2 = 4.4e-5 carries a
                // relative error up to 6e-8 / 4.4e-5 = 1.4e-3; tolerance 3e-3 relative.
                assertThat((double) out[i]).isCloseTo(VP.alphaAt(1.0) * prior[i], within(3e-3 * Math.abs(prior[i]) * VP.alphaAt(1.0)));
            }
        }
    }
}
