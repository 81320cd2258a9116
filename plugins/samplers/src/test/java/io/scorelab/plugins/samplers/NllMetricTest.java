package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.ImageData;
import io.scorelab.api.MetricInput;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.autograd.PtAutograd;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The likelihood of Gaussian data N(mu, diag(v)) under its exact score, where the probability flow is known in
 * closed form. 200 data points per case: every comparison below is per example or of averages over the same
 * points, so no sampling error enters except where a tolerance says so.
 */
class NllMetricTest {

    private static final PtAutograd AUTOGRAD = new PtAutograd();
    private static final DiagonalGaussian DATA = new DiagonalGaussian(new double[] {1.0, -0.5}, new double[] {0.25, 1.0});
    private static final int N = 200;

    /** The schedules with the variance of their prior N(0, s^2 I). */
    static Stream<Arguments> schedules() {
        return Stream.of(Arguments.of("ve", new VeSchedule(0.01, 50, 1e-5), 2500.0),
                Arguments.of("vp", new VpSchedule(0.1, 20, 1e-3, 1e-5), 1.0));
    }

    private static NllMetric metric(String divergence, String probe) {
        return new NllMetric(N, divergence, probe, "rk45", 1, 1e-5, 1e-5, AUTOGRAD);
    }

    /** alpha(t)^2 v_j + sigma(t)^2, the variance of coordinate j of the noised data. */
    private static double variance(DiagonalGaussian data, NoiseSchedule schedule, double t, int j) {
        return Math.pow(schedule.alphaAt(t), 2) * data.variance()[j] + Math.pow(schedule.sigmaAt(t), 2);
    }

    /**
     * For Gaussian data the probability flow is affine in each coordinate, x_T = alpha_T mu + sqrt(V_T / V_eps)
     * (x - alpha_eps mu), so the change of variables gives exactly log p = log N(x_T; 0, s^2 I) + sum_j ln(V_T,j /
     * V_eps,j) / 2: what the metric computes, up to the solver's error. It differs from the data's own log-density
     * through the prior (N(0, s^2 I) instead of p_T) and through t_eps > 0.
     */
    private static double flowLogDensity(DiagonalGaussian data, NoiseSchedule schedule, double priorVariance, double[] x) {
        double t0 = schedule.tMin();
        double t1 = schedule.tMax();
        double sum = 0;
        for (int j = 0; j < x.length; j++) {
            double ratio = variance(data, schedule, t1, j) / variance(data, schedule, t0, j);
            double end = schedule.alphaAt(t1) * data.mean()[j]
                    + Math.sqrt(ratio) * (x[j] - schedule.alphaAt(t0) * data.mean()[j]);
            sum += -0.5 * Math.log(2 * Math.PI * priorVariance) - end * end / (2 * priorVariance) + 0.5 * Math.log(ratio);
        }
        return sum;
    }

    private static double[] row(double[] flat, int i, int d) {
        double[] point = new double[d];
        System.arraycopy(flat, i * d, point, 0, d);
        return point;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void theExactDivergenceReproducesTheFlowAndTheDataDensity(String name, NoiseSchedule schedule, double priorVariance) {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = DATA.sample(manager, N);
            double[] points = x.toType(DataType.FLOAT64, false).toDoubleArray();
            NllMetric.Likelihood likelihood = metric("exact", "rademacher").logLikelihood(DATA.score(schedule), schedule, x);
            double nll = 0;
            double exact = 0;
            for (int i = 0; i < N; i++) {
                double[] point = row(points, i, 2);
                // rk45 at rtol = atol = 1e-5 in float32: measured errors are 1.5e-4 (ve) and 3e-5 (vp) nats.
                assertThat(likelihood.logDensity()[i]).as("log p of example %d", i)
                        .isCloseTo(flowLogDensity(DATA, schedule, priorVariance, point), within(1e-3));
                nll -= likelihood.logDensity()[i] / N;
                exact -= DATA.logDensity(point) / N;
            }
            // The brief's check: the NLL against the data's analytic -log p, within 0.01 nats per dimension (measured
            // 0.0012 for ve, whose prior N(0, 2500 I) ignores the mean, and 0.0004 for vp).
            assertThat(nll / 2).isCloseTo(exact / 2, within(0.01));
            // Dormand-Prince: 2 evaluations to start, 6 per attempted step.
            assertThat((likelihood.evaluations() - 2) % 6).isZero();
        }
    }

    /** For a diagonal Jacobian, v^T J v = sum_j J_jj v_j^2 is the trace exactly when every v_j^2 = 1. */
    @Test
    void rademacherProbesAreExactForADiagonalJacobian() {
        NoiseSchedule schedule = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        Engine.getInstance().setRandomSeed(6);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = DATA.sample(manager, N);
            double[] exact = metric("exact", "rademacher").logLikelihood(DATA.score(schedule), schedule, x).logDensity();
            double[] probed = metric("hutchinson", "rademacher").logLikelihood(DATA.score(schedule), schedule, x).logDensity();
            for (int i = 0; i < N; i++) {
                // The same ODE up to float32 rounding; 1e-3 is the solver's own tolerance above.
                assertThat(probed[i]).isCloseTo(exact[i], within(1e-3));
            }
        }
    }

    /**
     * With one Gaussian probe v per example, kept over the whole integral, the estimate is log p + sum_j c_j (v_j^2 -
     * 1) with c_j = ln(V_T,j / V_eps,j) / 2 (4.6 and 3.9 for ve): unbiased, with variance 2 sum_j c_j^2 per example.
     */
    @Test
    void gaussianProbesAreUnbiasedWithTheirKnownSpread() {
        NoiseSchedule schedule = new VeSchedule(0.01, 50, 1e-5);
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = DATA.sample(manager, N);
            double[] exact = metric("exact", "rademacher").logLikelihood(DATA.score(schedule), schedule, x).logDensity();
            double[] probed = metric("hutchinson", "gaussian").logLikelihood(DATA.score(schedule), schedule, x).logDensity();
            double spread = 0;
            for (int j = 0; j < 2; j++) {
                double c = 0.5 * Math.log(variance(DATA, schedule, 1, j) / variance(DATA, schedule, 1e-5, j));
                spread += 2 * c * c;
            }
            double mean = 0;
            double square = 0;
            for (int i = 0; i < N; i++) {
                mean += (probed[i] - exact[i]) / N;
                square += Math.pow(probed[i] - exact[i], 2) / N;
            }
            // The mean error has standard error sqrt(spread / n) = 0.60; 4 of them. The mean square estimates the
            // spread with relative standard error sqrt(E[(v^2 - 1)^4] / ...) of about 0.2 for chi-square terms at
            // n = 200; a tolerance of 50 % still fails a probe of the wrong scale (v ~ N(0, 2) doubles it).
            assertThat(mean).isCloseTo(0, within(4 * Math.sqrt(spread / N)));
            assertThat(square).isCloseTo(spread, within(0.5 * spread));
        }
    }

    /** Images of shape (1, 2, 2) scaled to [-1, 1], with the same Gaussian per pixel. */
    private record GaussianImages(DiagonalGaussian pixels, boolean logit) implements Dataset {

        @Override
        public Shape exampleShape() {
            return new Shape(1, 2, 2);
        }

        @Override
        public NDArray sample(NDManager manager, int n) {
            return pixels.sample(manager, n).reshape(n, 1, 2, 2);
        }

        @Override
        public Optional<ImageData> images() {
            return Optional.of(new ImageData() {
                @Override
                public NDArray toUnitRange(NDArray x) {
                    return x.add(1).div(2).clip(0, 1);
                }

                @Override
                public double rangeWidth() {
                    return 2;
                }

                @Override
                public boolean logit() {
                    return logit;
                }
            });
        }
    }

    /**
     * Bits per dimension of D = 4 pixels in [-1, 1]: -log p / (D ln 2) + 8 - log2(2), the continuous density's
     * nats turned into the probability of the 8-bit pixel bin (width 2 / 256 per pixel). The data is drawn again
     * with the same seed to know the points the metric saw; its analytic -log p gives the known answer.
     */
    @Test
    void bitsPerDimensionAddTheDequantizationOffsetToTheDensity() {
        DiagonalGaussian pixels = new DiagonalGaussian(new double[] {0.2, -0.1, 0.0, 0.3}, new double[] {0.04, 0.09, 0.0625, 0.01});
        GaussianImages images = new GaussianImages(pixels, false);
        NoiseSchedule schedule = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        ScoreFunction score = pixels.score(schedule);
        Map<String, Double> values;
        double exact = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(8);
            values = metric("auto", "rademacher").evaluate(new MetricInput(manager.zeros(new Shape(1, 1, 2, 2)),
                    images, score, schedule, manager));
            Engine.getInstance().setRandomSeed(8);
            double[] points = images.sample(manager, N).toType(DataType.FLOAT64, false).toDoubleArray();
            for (int i = 0; i < N; i++) {
                exact -= pixels.logDensity(row(points, i, 4)) / N;
            }
        }
        assertThat(values).containsOnlyKeys("nll", "nll_se", "nll_per_dim", "nll_nfe", "bpd", "bpd_se");
        // Within 0.01 nats per dimension, as above; in bits that is 0.01 / ln 2.
        assertThat(values.get("nll_per_dim")).isCloseTo(exact / 4, within(0.01));
        assertThat(values.get("bpd")).isCloseTo(exact / (4 * Math.log(2)) + 7, within(0.01 / Math.log(2)));
        assertThat(values.get("bpd_se")).isCloseTo(values.get("nll_se") / (4 * Math.log(2)), within(1e-12));
        // The per-example NLL of a 4-dimensional Gaussian has standard deviation sqrt(4 / 2) = 1.41.
        assertThat(values.get("nll_se")).isCloseTo(Math.sqrt(2.0 / N), within(0.3 * Math.sqrt(2.0 / N)));
    }

    @Test
    void pointsWithoutImagesReportNatsOnly() {
        NoiseSchedule schedule = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Double> values = new NllMetric(2, "auto", "rademacher", "heun", 20, 1e-5, 1e-5, AUTOGRAD)
                    .evaluate(new MetricInput(manager.zeros(new Shape(1, 2)), DATA, DATA.score(schedule), schedule, manager));
            assertThat(values).containsOnlyKeys("nll", "nll_se", "nll_per_dim", "nll_nfe");
            // heun: 2 evaluations per step.
            assertThat(values.get("nll_nfe")).isEqualTo(40.0);
            assertThat(values.get("nll_per_dim")).isEqualTo(values.get("nll") / 2);
            // Every array of the integration was closed with the metric's scope.
            assertThat(manager.getManagedArrays()).hasSize(1);
        }
    }

    @Test
    void logitImagesAreRefused() {
        GaussianImages images = new GaussianImages(new DiagonalGaussian(new double[4], new double[] {1, 1, 1, 1}), true);
        NoiseSchedule schedule = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        try (NDManager manager = NDManager.newBaseManager()) {
            MetricInput input = new MetricInput(manager.zeros(new Shape(1, 1, 2, 2)), images,
                    images.pixels().score(schedule), schedule, manager);
            assertThatThrownBy(() -> metric("auto", "rademacher").evaluate(input))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("logit");
        }
    }
}
