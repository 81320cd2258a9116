package io.scorelab.plugins.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.ScorelabException;
import org.junit.jupiter.api.Test;

/** EDM's schedule; its SDE and timeOfSigma are checked with the continuous schedules in SchedulesTest. */
class EdmScheduleTest {

    private static final EdmSchedule EDM = new EdmSchedule(0.002, 80, 7, -1.2, 1.2);

    @Test
    void discretizationRunsFromSigmaMaxToSigmaMinExactly() {
        double[] times = EDM.discretization(18);
        assertThat(times).hasSize(18);
        assertThat(times[0]).isEqualTo(80.0);
        assertThat(times[17]).isEqualTo(0.002);
        for (int i = 1; i < times.length; i++) {
            assertThat(times[i]).isLessThan(times[i - 1]);
        }
        // N = 3: ((80^(1/7) + 0.002^(1/7)) / 2)^7 = 2.515218976147159 (computed in Python)
        assertThat(EDM.discretization(3)).containsExactly(new double[] {80, 2.515218976147159, 0.002}, within(1e-12));
        assertThat(EDM.discretization(1)).containsExactly(80.0);
    }

    @Test
    void rhoOneGivesALinearGrid() {
        EdmSchedule linear = new EdmSchedule(0.002, 80, 1, -1.2, 1.2);
        // linspace(80, 0.002, 5): steps of (80 - 0.002) / 4 = 19.9995
        assertThat(linear.discretization(5))
                .containsExactly(new double[] {80, 60.0005, 40.001, 20.0015, 0.002}, within(1e-12));
    }

    /**
     * ln sigma ~ N(-1.2, 1.2^2): with n = 20000 the sample mean has standard error 1.2 / sqrt(n) = 0.0085
     * and the sample standard deviation 1.2 / sqrt(2 n) = 0.006; tolerances are 4 standard errors. The
     * clamp to [0.002, 80] cuts 4.2 and 4.6 standard deviations out, which moves neither by more than 1e-4.
     */
    @Test
    void trainingSigmasAreLogNormal() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] sigma = EDM.sampleTrainingTimes(manager, 20_000).toFloatArray();
            double sum = 0;
            double sumOfSquares = 0;
            for (float s : sigma) {
                assertThat(s).isBetween(0.002f, 80f);
                sum += Math.log(s);
                sumOfSquares += Math.log(s) * Math.log(s);
            }
            double mean = sum / sigma.length;
            double std = Math.sqrt(sumOfSquares / sigma.length - mean * mean);
            assertThat(mean).isCloseTo(-1.2, within(0.034));
            assertThat(std).isCloseTo(1.2, within(0.024));
        }
    }

    /**
     * With ln sigma ~ N(0, 10^2), P(sigma < 0.002) = Phi(ln 0.002 / 10) = 0.267 and P(sigma > 80) = 0.331
     * land exactly on the bounds; n = 20000 gives standard errors of 0.0033 on these fractions, tolerance
     * 4 SE = 0.013.
     */
    @Test
    void trainingSigmasAreClampedToTheRange() {
        Engine.getInstance().setRandomSeed(6);
        EdmSchedule wide = new EdmSchedule(0.002, 80, 7, 0, 10);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] sigma = wide.sampleTrainingTimes(manager, 20_000).toFloatArray();
            int low = 0;
            int high = 0;
            for (float s : sigma) {
                assertThat(s).isBetween(0.002f, 80f);
                low += s == 0.002f ? 1 : 0;
                high += s == 80f ? 1 : 0;
            }
            assertThat((double) low / sigma.length).isCloseTo(0.2671, within(0.013));
            assertThat((double) high / sigma.length).isCloseTo(0.3306, within(0.013));
        }
    }

    @Test
    void sigmaIsTimeAndTheVarianceGrowsAtG2() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray t = manager.create(new double[] {0.002, 1, 80});
            assertThat(EDM.sigma(t).toDoubleArray()).containsExactly(0.002, 1, 80);
            assertThat(EDM.alpha(t).toDoubleArray()).containsExactly(1, 1, 1);
            // g^2 = d sigma^2 / dt = 2 t
            assertThat(EDM.diffusion(t).square().toDoubleArray())
                    .containsExactly(new double[] {0.004, 2, 160}, within(1e-12));
            NDArray x = manager.create(new double[] {3, 4}, new Shape(1, 2));
            assertThat(EDM.drift(x, t.get("0:1")).toDoubleArray()).containsExactly(0, 0);
            // log N(x; 0, 80^2 I) = -25 / (2 6400) - ln(2 pi 6400)
            assertThat(EDM.priorLogDensity(x).getDouble(0))
                    .isCloseTo(-25.0 / 12800 - Math.log(2 * Math.PI * 6400), within(1e-12));
        }
        assertThat(EDM.timeOfSigma(3.5)).isEqualTo(3.5);
        assertThatThrownBy(() -> EDM.timeOfSigma(100))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("sigma = 100.0 is outside the schedule's range [0.002, 80.0]");
    }
}
