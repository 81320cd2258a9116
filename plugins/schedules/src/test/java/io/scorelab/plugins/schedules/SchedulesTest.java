package io.scorelab.plugins.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.ScorelabException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchedulesTest {

    static Stream<NoiseSchedule> continuous() {
        return Stream.of(new VeSchedule(0.01, 50, 1e-5), new VpSchedule(0.1, 20, 1e-3, 1e-5),
                new SubVpSchedule(0.1, 20, 1e-3, 1e-5), new GeometricSchedule(0.01, 10, 10),
                new EdmSchedule(0.002, 80, 7, -1.2, 1.2));
    }

    /**
     * The perturbation kernel must be the one the SDE produces: for x_0 fixed and f = -k(t) x, the mean
     * obeys dm/dt = -k m and the variance dV/dt = -2 k V + g^2 (Saerkkae and Solin, eq. 5.51). We integrate
     * both with RK4 from t_eps to T, using the schedule's own drift and diffusion, and compare with alpha(t)
     * and sigma(t)^2. RK4 with h = 5e-4 on these smooth coefficients errs by about h^4 max|d^5V| ~ 1e-10
     * relative; 1e-7 leaves room for float64 rounding over 2000 steps. (For edm, h = 0.04 but g^2 = 2t is
     * linear, which RK4 integrates exactly.)
     */
    @ParameterizedTest
    @MethodSource("continuous")
    void alphaAndSigmaSolveTheSdesMomentEquations(NoiseSchedule schedule) {
        int steps = 2000;
        double t0 = schedule.tMin();
        double h = (schedule.tMax() - t0) / steps;
        try (NDManager manager = NDManager.newBaseManager()) {
            double[] grid = new double[2 * steps + 1];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = t0 + i * h / 2;
            }
            NDArray t = manager.create(grid);
            double[] k = schedule.drift(manager.ones(new Shape(grid.length, 1), DataType.FLOAT64), t)
                    .neg().toDoubleArray();
            double[] g2 = schedule.diffusion(t).square().toDoubleArray();
            double m = schedule.alphaAt(t0);
            double v = Math.pow(schedule.sigmaAt(t0), 2);
            for (int i = 0; i < steps; i++) {
                int a = 2 * i;
                int b = a + 1;
                int c = a + 2;
                double m1 = -k[a] * m;
                double m2 = -k[b] * (m + h / 2 * m1);
                double m3 = -k[b] * (m + h / 2 * m2);
                double m4 = -k[c] * (m + h * m3);
                double v1 = -2 * k[a] * v + g2[a];
                double v2 = -2 * k[b] * (v + h / 2 * v1) + g2[b];
                double v3 = -2 * k[b] * (v + h / 2 * v2) + g2[b];
                double v4 = -2 * k[c] * (v + h * v3) + g2[c];
                m += h / 6 * (m1 + 2 * m2 + 2 * m3 + m4);
                v += h / 6 * (v1 + 2 * v2 + 2 * v3 + v4);
                double time = t0 + (i + 1) * h;
                if ((i + 1) % 500 == 0) {
                    assertThat(m).as("alpha(%s)", time).isCloseTo(schedule.alphaAt(time), within(1e-7 * schedule.alphaAt(time)));
                    double variance = Math.pow(schedule.sigmaAt(time), 2);
                    assertThat(v).as("sigma(%s)^2", time).isCloseTo(variance, within(1e-7 * variance));
                }
            }
        }
    }

    /**
     * The device formulas agree with the host ones (float64 in, float64 out), and timeOfSigma inverts
     * sigma(t) both on the host (bisection or closed form) and on the device (closed forms for ve, vp,
     * subvp, geometric, edm). The device inverses lose about 1e-16 / |d ln sigma / d ln t| relative; 1e-9 is
     * the host bisection's own tolerance.
     */
    @ParameterizedTest
    @MethodSource("continuous")
    void deviceAndHostAgree(NoiseSchedule schedule) {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[] times = {schedule.tMin(), 0.1, 0.5, 1.0};
            double[] alpha = schedule.alpha(manager.create(times)).toDoubleArray();
            double[] sigma = schedule.sigma(manager.create(times)).toDoubleArray();
            for (int i = 0; i < times.length; i++) {
                assertThat(alpha[i]).isCloseTo(schedule.alphaAt(times[i]), within(1e-12));
                assertThat(sigma[i]).isCloseTo(schedule.sigmaAt(times[i]), within(1e-12 * Math.max(1, sigma[i])));
                assertThat(schedule.timeOfSigma(schedule.sigmaAt(times[i]))).isCloseTo(times[i], within(1e-9));
            }
            double[] roundTrip = schedule.timeOfSigma(schedule.sigma(manager.create(times))).toDoubleArray();
            assertThat(roundTrip).containsExactly(times, within(1e-9));
        }
    }

    @Test
    void referenceValues() {
        VpSchedule vp = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        // log m(1) = -(20 - 0.1) / 4 - 0.1 / 2 = -5.025
        assertThat(vp.alphaAt(1)).isCloseTo(Math.exp(-5.025), within(1e-15));
        assertThat(vp.sigmaAt(1)).isCloseTo(Math.sqrt(1 - Math.exp(-10.05)), within(1e-15));
        SubVpSchedule subVp = new SubVpSchedule(0.1, 20, 1e-3, 1e-5);
        assertThat(subVp.sigmaAt(1)).isCloseTo(1 - Math.exp(-10.05), within(1e-15));
        VeSchedule ve = new VeSchedule(0.01, 50, 1e-5);
        assertThat(ve.sigmaAt(0)).isCloseTo(0.01, within(1e-15));
        assertThat(ve.sigmaAt(1)).isCloseTo(50, within(1e-12));
        assertThat(ve.discretization(1000)).startsWith(1.0).endsWith(1e-5).hasSize(1000);
    }

    /** Near t = 0, 1 - m^2 cancels in float32; the schedules compute it in float64 first. */
    @Test
    void vpSigmaIsAccurateAtTheSmallestTrainingTimeInFloat32() {
        VpSchedule vp = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        try (NDManager manager = NDManager.newBaseManager()) {
            float sigma = vp.sigma(manager.create(new float[] {1e-5f})).getFloat(0);
            // float32 carries ~7 digits; the float64 path keeps sigma(1e-5) = 1.0000e-3 to that precision
            assertThat((double) sigma).isCloseTo(vp.sigmaAt(1e-5f), within(1e-6 * vp.sigmaAt(1e-5)));
        }
    }

    @Test
    void priorLogDensityIsTheGaussians() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new double[] {1, 2, 0, 0}, new Shape(2, 2));
            double[] ve = new VeSchedule(0.01, 50, 1e-5).priorLogDensity(x).toDoubleArray();
            double[] vp = new VpSchedule(0.1, 20, 1e-3, 1e-5).priorLogDensity(x).toDoubleArray();
            assertThat(ve[0]).isCloseTo(-5.0 / (2 * 2500) - Math.log(2 * Math.PI * 2500), within(1e-12));
            assertThat(vp[0]).isCloseTo(-2.5 - Math.log(2 * Math.PI), within(1e-12));
            assertThat(vp[1]).isCloseTo(-Math.log(2 * Math.PI), within(1e-12));
        }
    }

    /**
     * The prior draw is sigma(T) z with z one draw of the per-sample noise: ve's N(0, 50^2 I), vp's and ddpm's
     * N(0, I), edm's N(0, 80^2 I), geometric's N(0, 10^2 I); row r is sample first + r in any batch. Scaling a
     * float32 z by sigma(T) is one rounding: 1e-6 relative.
     */
    @Test
    void thePriorIsSigmaMaxTimesOneDrawOfThePerSampleNoise() {
        Map<NoiseSchedule, Double> tops = Map.of(new VeSchedule(0.01, 50, 1e-5), 50.0, new VpSchedule(0.1, 20, 1e-3, 1e-5),
                1.0, new DdpmSchedule(1e-4, 0.02, 1000), 1.0, new EdmSchedule(0.002, 80, 7, -1.2, 1.2), 80.0,
                new GeometricSchedule(0.01, 10, 10), 10.0);
        Shape shape = new Shape(6, 3);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] z = new SampleNoise(4, 0).normal(manager, shape, DataType.FLOAT32).toFloatArray();
            tops.forEach((schedule, top) -> {
                SampleNoise noise = new SampleNoise(4, 0);
                NDArray prior = schedule.samplePrior(manager, shape, noise);
                assertThat(noise.draws()).isEqualTo(1);
                assertThat(prior.getDataType()).isEqualTo(DataType.FLOAT32);
                float[] values = prior.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    assertThat((double) values[i]).isCloseTo(top * z[i], within(1e-6 * top * Math.abs(z[i])));
                }
                float[] tail = schedule.samplePrior(manager, new Shape(2, 3), new SampleNoise(4, 4)).toFloatArray();
                assertThat(tail).containsExactly(Arrays.copyOfRange(values, 12, 18));
            });
        }
    }

    @Test
    void trainingTimesStayInTheirRange() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray t = new VpSchedule(0.1, 20, 0.2, 0.1).sampleTrainingTimes(manager, 10_000);
            assertThat(t.min().getFloat()).isGreaterThanOrEqualTo(0.1f);
            assertThat(t.max().getFloat()).isLessThanOrEqualTo(1f);
        }
    }

    private static NoiseSchedule fromConfig(String name, String overrides) {
        Config config = ConfigFactory.parseString(overrides, com.typesafe.config.ConfigParseOptions.defaults()
                        .setOriginDescription("experiment.conf"))
                .withFallback(ConfigFactory.parseResources(ComponentKind.SCHEDULE.confDirectory() + name + ".conf")
                        .atKey("schedule"));
        Injector injector = Guice.createInjector(new SchedulesPlugin(), binder -> binder.bind(Options.class)
                .annotatedWith(Names.named("schedule")).toInstance(Options.of(config, "schedule")));
        Map<String, Provider<NoiseSchedule>> schedules = injector.getInstance(Plugin.<NoiseSchedule>providersKey(ComponentKind.SCHEDULE));
        try {
            return schedules.get(name).get();
        } catch (ProvisionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    @Test
    void everyScheduleComesFromItsConfigFileAndBadValuesNameTheKey() {
        assertThat(fromConfig("ve", "").sigmaAt(1)).isCloseTo(50, within(1e-12));
        assertThat(fromConfig("vp", "").alphaAt(1)).isCloseTo(Math.exp(-5.025), within(1e-15));
        assertThat(fromConfig("subvp", "")).isInstanceOf(SubVpSchedule.class);
        assertThat(fromConfig("geometric", "")).isInstanceOf(GeometricSchedule.class);
        // the defaults of the discrete schedules and of edm, checked in detail in their own tests
        assertThat(((DdpmSchedule) fromConfig("ddpm", "")).betas()).hasSize(1000).startsWith(1e-4).endsWith(0.02);
        assertThat(((CosineSchedule) fromConfig("cosine", "")).betas()).hasSize(1000).endsWith(0.999);
        assertThat(fromConfig("edm", "").discretization(18)).hasSize(18).startsWith(80.0).endsWith(0.002);
        assertThatThrownBy(() -> fromConfig("ve", "schedule.sigma_min = 60"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("schedule.sigma_min = 60: expected a number below schedule.sigma_max = 50");
        assertThatThrownBy(() -> fromConfig("geometric", "schedule.levels = 1"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("schedule.levels = 1: expected an integer >= 2");
        assertThatThrownBy(() -> fromConfig("ddpm", "schedule.beta_end = 1e-5"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("schedule.beta_end = 1.0E-5: expected a number >= schedule.beta_start = 1.0E-4");
        assertThatThrownBy(() -> fromConfig("ddpm", "schedule.steps = 1"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("schedule.steps = 1: expected an integer >= 2");
        assertThatThrownBy(() -> fromConfig("cosine", "schedule.max_beta = 1"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("schedule.max_beta = 1: expected a number in (0, 1)");
        assertThatThrownBy(() -> fromConfig("cosine", "schedule.s = -0.1"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("schedule.s = -0.1: expected a finite number >= 0");
        assertThatThrownBy(() -> fromConfig("edm", "schedule.sigma_min = 100"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("schedule.sigma_min = 100: expected a number below schedule.sigma_max = 80");
        assertThatThrownBy(() -> fromConfig("edm", "schedule.p_std = 0"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("schedule.p_std = 0: expected a positive number");
    }
}
