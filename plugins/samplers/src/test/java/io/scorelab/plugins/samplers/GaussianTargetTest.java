package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.Sampler;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sampler, driven by the exact score of N(mu, diag(v)) with mu = (1, -0.5), v = (0.25, 1), draws that
 * distribution: at n = 4000 samples, each coordinate's mean within 4 standard errors sqrt(v_j / n) (0.032, 0.063),
 * each variance within 4 sqrt(2 / n) = 8.9 % of v_j, and the covariance within 4 sqrt(v_0 v_1 / n) = 0.032 of 0.
 *
 * <p>With enough steps the samplers' own biases are well inside that; measured with n = 100000 (standard errors 0.2
 * % of the mean's scale and 0.45 % on variances): every mean is within 0.011 of mu, and the largest variance
 * biases are reverse_diffusion/ve +1.8 %, ancestral/ve -2.0 %, ddim eta = 1 -2.9 %, edm with churn +1.8 %,
 * langevin +1 % (its step eta = 0.01 adds eta / (2 v) = 2 % to v = 0.25, Tweedie at sigma = 0.05 removes 1 %).
 * Deterministic samplers on ve start from N(0, 50^2) instead of p_T = N(mu, v + 50^2), which moves their means
 * by mu_j sqrt(v_j) / 50 = 0.01. pc's langevin corrector uses snr = 0.05 on ve: at the default 0.16 its own
 * Langevin step leaves about +4 % on the narrow coordinate (eps / (2 v) with eps = 2 (snr ||z|| / ||s||)^2).
 */
class GaussianTargetTest {

    private static final DiagonalGaussian DATA = new DiagonalGaussian(new double[] {1.0, -0.5}, new double[] {0.25, 1.0});
    private static final NoiseSchedule VE = new VeSchedule(0.01, 50, 1e-5);
    private static final NoiseSchedule VP = new VpSchedule(0.1, 20, 1e-3, 1e-5);
    private static final int N = 4000;

    static Stream<Arguments> samplers() {
        double inf = Double.POSITIVE_INFINITY;
        return Stream.of(
                Arguments.of("langevin/vp", new LangevinSampler(0.05, 800, 0.01, true), VP),
                Arguments.of("euler_maruyama/vp", new EulerMaruyamaSampler(500, true), VP),
                Arguments.of("reverse_diffusion/ve", new ReverseDiffusionSampler(500, true), VE),
                Arguments.of("ancestral/ve", new AncestralSampler(500, true), VE),
                Arguments.of("ancestral/vp", new AncestralSampler(500, true), VP),
                Arguments.of("pc auto/ve", new PcSampler(500, "auto", "auto", 1, 0.05, true), VE),
                Arguments.of("pc reverse_diffusion+ald/vp", new PcSampler(500, "reverse_diffusion", "ald", 1, 0.16, true), VP),
                Arguments.of("ode rk45/ve", new OdeSampler("rk45", 1, 1e-5, 1e-5, true), VE),
                Arguments.of("ode rk4/vp", new OdeSampler("rk4", 50, 1e-5, 1e-5, true), VP),
                Arguments.of("ddim eta=0 trailing/vp", new DdimSampler(500, 0, "trailing"), VP),
                Arguments.of("ddim eta=1 linspace/vp", new DdimSampler(500, 1, "linspace"), VP),
                Arguments.of("edm/ve", new EdmSampler(100, 7, 0, 0, inf, 1, Double.NaN, Double.NaN), VE),
                Arguments.of("edm churn/ve", new EdmSampler(100, 7, 40, 0.05, 50, 1, Double.NaN, Double.NaN), VE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void drawsTheGaussian(String name, Sampler sampler, NoiseSchedule schedule) {
        double[] x;
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = sampler.sample(DATA.score(schedule), schedule, new SampleNoise(11, 0), manager,
                    new Shape(N, 2));
            x = result.samples().toType(DataType.FLOAT64, false).toDoubleArray();
        }
        double[] mean = new double[2];
        for (int i = 0; i < N; i++) {
            mean[0] += x[2 * i] / N;
            mean[1] += x[2 * i + 1] / N;
        }
        double[] variance = new double[2];
        double covariance = 0;
        for (int i = 0; i < N; i++) {
            double a = x[2 * i] - mean[0];
            double b = x[2 * i + 1] - mean[1];
            variance[0] += a * a / (N - 1);
            variance[1] += b * b / (N - 1);
            covariance += a * b / (N - 1);
        }
        for (int j = 0; j < 2; j++) {
            double v = DATA.variance()[j];
            assertThat(mean[j]).as("mean %d", j).isCloseTo(DATA.mean()[j], within(4 * Math.sqrt(v / N)));
            assertThat(variance[j]).as("variance %d", j).isCloseTo(v, within(4 * v * Math.sqrt(2.0 / N)));
        }
        assertThat(covariance).as("covariance").isCloseTo(0, within(4 * Math.sqrt(0.25 / N)));
    }
}
