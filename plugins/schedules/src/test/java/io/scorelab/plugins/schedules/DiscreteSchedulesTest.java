package io.scorelab.plugins.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DiscreteSchedulesTest {

    private static final int N = 1000;

    static Stream<DiscreteSchedule> discrete() {
        return Stream.of(new DdpmSchedule(1e-4, 0.02, N), new CosineSchedule(0.008, 0.999, N));
    }

    /** Nichol and Dhariwal's f(t) = cos^2(((t + s) / (1 + s)) pi / 2), s = 0.008. */
    private static double cosineF(double t) {
        return Math.pow(Math.cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
    }

    /**
     * alpha_bar_i = prod_{j <= i} (1 - beta_j), recomputed for every i by an inner product loop over
     * the betas of the closed form (not the schedule's own betas). 1000 float64 roundings per product
     * err by about 1e-13 relative; 1e-12 leaves room.
     */
    @Test
    void ddpmAlphaBarIsTheProductOfItsLinearBetas() {
        double[] alphaBars = new DdpmSchedule(1e-4, 0.02, N).alphaBars();
        assertThat(alphaBars[0]).isCloseTo(1 - 1e-4, within(1e-16));
        for (int i = 1; i <= N; i++) {
            double product = 1;
            for (int j = 1; j <= i; j++) {
                product *= 1 - (1e-4 + (0.02 - 1e-4) * (j - 1) / (N - 1));
            }
            assertThat(alphaBars[i - 1]).as("alpha_bar_%d", i).isCloseTo(product, within(1e-12 * product));
            if (i == N) {
                // the well-known end point of DDPM's schedule, alpha_bar_1000 = 4.0358e-5
                assertThat(product).isCloseTo(4.0358e-5, within(1e-9));
            }
        }
    }

    /**
     * Where no beta was clipped, alpha_bar_i telescopes to the closed form alpha_bar(t_i) = f(t_i) / f(0);
     * float64 rounding of 1 - (1 - ratio) over 1000 factors errs by well under 1e-12 relative. Only the
     * last beta, 1 - f(1) / f(t_999) = 1 - 1.5e-27, reaches 0.999, so alpha_bar_1000 = 0.001 alpha_bar_999.
     */
    @Test
    void cosineAlphaBarIsTheClosedFormUntilABetaIsClipped() {
        CosineSchedule cosine = new CosineSchedule(0.008, 0.999, N);
        double[] betas = cosine.betas();
        double[] alphaBars = cosine.alphaBars();
        assertThat(Arrays.stream(betas).min().getAsDouble()).isPositive();
        assertThat(Arrays.stream(betas).max().getAsDouble()).isLessThanOrEqualTo(0.999);
        for (int i = 1; i < N; i++) {
            assertThat(betas[i - 1]).as("beta_%d", i).isLessThan(0.999);
            double closedForm = cosineF((double) i / N) / cosineF(0);
            assertThat(alphaBars[i - 1]).as("alpha_bar_%d", i).isCloseTo(closedForm, within(1e-12 * closedForm));
        }
        assertThat(betas[N - 1]).isEqualTo(0.999);
        assertThat(alphaBars[N - 1]).isCloseTo(0.001 * alphaBars[N - 2], within(1e-12 * alphaBars[N - 1]));
    }

    /**
     * At t_i = i / N the schedule returns the table (rounding of t_i N and of one exp: 1e-13 relative);
     * halfway between two grid points ln alpha_bar is the mean of its neighbours' (linear interpolation);
     * at t = 0 the data is clean. The device agrees with the host to float64 rounding.
     */
    @ParameterizedTest
    @MethodSource("discrete")
    void interpolationIsExactAtGridPointsAndLogLinearInBetween(DiscreteSchedule schedule) {
        double[] alphaBars = schedule.alphaBars();
        double[] grid = new double[N];
        double[] halfway = new double[N];
        for (int i = 1; i <= N; i++) {
            grid[i - 1] = (double) i / N;
            halfway[i - 1] = (i - 0.5) / N;
            assertThat(Math.pow(schedule.alphaAt(grid[i - 1]), 2))
                    .isCloseTo(alphaBars[i - 1], within(1e-13 * alphaBars[i - 1]));
            assertThat(Math.pow(schedule.sigmaAt(grid[i - 1]), 2)).isCloseTo(1 - alphaBars[i - 1], within(1e-13));
            double below = i == 1 ? 1.0 : alphaBars[i - 2];
            assertThat(Math.pow(schedule.alphaAt(halfway[i - 1]), 2))
                    .isCloseTo(Math.sqrt(below * alphaBars[i - 1]), within(1e-13 * alphaBars[i - 1]));
        }
        assertThat(schedule.alphaAt(0)).isEqualTo(1.0);
        assertThat(schedule.sigmaAt(0)).isEqualTo(0.0);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (double[] times : new double[][] {grid, halfway}) {
                double[] alpha = schedule.alpha(manager.create(times)).toDoubleArray();
                double[] sigma = schedule.sigma(manager.create(times)).toDoubleArray();
                for (int i = 0; i < N; i++) {
                    assertThat(alpha[i]).isCloseTo(schedule.alphaAt(times[i]), within(1e-13 * alpha[i]));
                    assertThat(sigma[i]).isCloseTo(schedule.sigmaAt(times[i]), within(1e-13));
                }
            }
        }
    }

    /**
     * Continuity at every grid point: from t_i - d to t_i + d alpha moves by at most 2 d max|alpha'|,
     * where |alpha'| = alpha N |ln(1 - beta)| / 2 <= N |ln(1 - beta_max)| / 2 on the adjacent intervals;
     * d = 1e-9 makes a jump of a single table step (>= 1e-4 relative for these betas) stand out.
     */
    @ParameterizedTest
    @MethodSource("discrete")
    void interpolationIsContinuous(DiscreteSchedule schedule) {
        double[] betas = schedule.betas();
        double d = 1e-9;
        for (int i = 1; i < N; i++) {
            double t = (double) i / N;
            double slope = N * -Math.log1p(-Math.max(betas[i - 1], betas[i])) / 2;
            assertThat(schedule.alphaAt(t + d)).isCloseTo(schedule.alphaAt(t - d), within(2 * d * slope + 1e-15));
            assertThat(schedule.sigmaAt(t + d))
                    .isCloseTo(schedule.sigmaAt(t - d), within(2 * d * slope / schedule.sigmaAt(t) + 1e-15));
        }
    }

    /**
     * The table's SDE must have the table's marginals. With f = -k(t) x, the mean obeys dm/dt = -k m and the
     * variance dV/dt = -2 k V + g^2 (as in SchedulesTest). beta(t) is constant on each interval
     * (t_{i-1}, t_i] and jumps at grid points, so the check applies interval by interval: we read k and g^2
     * at the interval's midpoint, confirm they are the same at its quarter points, and integrate with RK4
     * from m = 1, V = 0 at t = 0 in 400 steps per interval. With k h <= 3454 * 2.5e-6 = 0.009 (cosine's
     * clipped last interval; ddpm's k <= 10) RK4's error is below 1e-10 relative; we compare with alpha(t_i)
     * and sigma(t_i)^2 to 1e-7 like the continuous schedules. (Song et al.'s linear N beta_i instead would
     * miss ddpm's alpha(1) by 4%.)
     */
    @ParameterizedTest
    @MethodSource("discrete")
    void alphaAndSigmaSolveTheSdesMomentEquations(DiscreteSchedule schedule) {
        double[] probes = new double[3 * N];
        for (int i = 0; i < N; i++) {
            probes[3 * i] = (i + 0.25) / N;
            probes[3 * i + 1] = (i + 0.5) / N;
            probes[3 * i + 2] = (i + 0.75) / N;
        }
        double[] k;
        double[] g2;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray t = manager.create(probes);
            k = schedule.drift(manager.ones(new Shape(probes.length, 2), DataType.FLOAT64), t)
                    .get(":, 0").neg().toDoubleArray();
            g2 = schedule.diffusion(t).square().toDoubleArray();
        }
        int substeps = 400;
        double h = 1.0 / N / substeps;
        double m = 1;
        double v = 0;
        for (int i = 0; i < N; i++) {
            double rate = k[3 * i + 1];
            double noise = g2[3 * i + 1];
            assertThat(new double[] {k[3 * i], k[3 * i + 2]}).containsOnly(rate);
            assertThat(new double[] {g2[3 * i], g2[3 * i + 2]}).containsOnly(noise);
            for (int step = 0; step < substeps; step++) {
                double m1 = -rate * m;
                double m2 = -rate * (m + h / 2 * m1);
                double m3 = -rate * (m + h / 2 * m2);
                double m4 = -rate * (m + h * m3);
                double v1 = -2 * rate * v + noise;
                double v2 = -2 * rate * (v + h / 2 * v1) + noise;
                double v3 = -2 * rate * (v + h / 2 * v2) + noise;
                double v4 = -2 * rate * (v + h * v3) + noise;
                m += h / 6 * (m1 + 2 * m2 + 2 * m3 + m4);
                v += h / 6 * (v1 + 2 * v2 + 2 * v3 + v4);
            }
            double time = (i + 1.0) / N;
            assertThat(m).as("alpha(%s)", time)
                    .isCloseTo(schedule.alphaAt(time), within(1e-7 * schedule.alphaAt(time)));
            double variance = Math.pow(schedule.sigmaAt(time), 2);
            assertThat(v).as("sigma(%s)^2", time).isCloseTo(variance, within(1e-7 * variance));
        }
    }

    /**
     * A float32 grid time t_i lands within 1e-4 grid steps of i / N on either side, and still gets the beta
     * of its own interval (t_{i-1}, t_i], the one a reverse step from t_i to t_{i-1} crosses. Neighbouring
     * intervals' g differ by at least 5e-4 relative (ddpm's rates step by 0.02 up to 20, g by half that);
     * 1e-6 is float32 rounding.
     */
    @Test
    void float32GridTimesGetTheBetaOfTheIntervalBelowThem() {
        DdpmSchedule ddpm = new DdpmSchedule(1e-4, 0.02, N);
        float[] grid = new float[N];
        double[] inside = new double[N];
        int above = 0;
        for (int i = 1; i <= N; i++) {
            grid[i - 1] = (float) i / N;
            inside[i - 1] = (i - 0.5) / N;
            above += grid[i - 1] * (double) N > i ? 1 : 0;
        }
        assertThat(above).as("float32 grid times above their grid point").isPositive();
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] atGrid = ddpm.diffusion(manager.create(grid)).toFloatArray();
            double[] below = ddpm.diffusion(manager.create(inside)).toDoubleArray();
            for (int i = 0; i < N; i++) {
                assertThat((double) atGrid[i]).as("g(t_%d)", i + 1).isCloseTo(below[i], within(1e-6 * below[i]));
            }
            // g(t_1)^2 = -N ln(1 - beta_1) = N beta_1 (1 + beta_1 / 2 + ...) = 0.1000050; float32 keeps 7 digits
            assertThat((double) atGrid[0] * atGrid[0]).isCloseTo(-N * Math.log1p(-1e-4), within(1e-7));
        }
    }

    /**
     * Training times are grid points only, and n = 20000 draws hit all 1000 of them: a given point is
     * missed with probability (1 - 1/1000)^20000 = 2e-9, any of them with 2e-6 (and the seed is fixed).
     */
    @ParameterizedTest
    @MethodSource("discrete")
    void trainingTimesAreUniformOverTheGrid(DiscreteSchedule schedule) {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] times = schedule.sampleTrainingTimes(manager, 20_000).toFloatArray();
            Set<Long> hit = new TreeSet<>();
            for (float t : times) {
                long i = Math.round(t * (double) N);
                // float32 i / N is within 6e-8 relative of it: t N lies within 1e-4 of an integer
                assertThat(t * (double) N).isCloseTo(i, within(1e-4));
                hit.add(i);
            }
            assertThat(hit).hasSize(N).contains(1L, (long) N);
        }
    }

    @Test
    void discretizationIsTheGridOrAnEvenlySpacedSubsetWithBothEnds() {
        DdpmSchedule ddpm = new DdpmSchedule(1e-4, 0.02, N);
        double[] full = ddpm.discretization(5000);
        assertThat(full).hasSize(N).startsWith(1.0).endsWith(1.0 / N);
        for (int i = 0; i < N; i++) {
            assertThat(full[i]).isEqualTo((double) (N - i) / N);
        }
        // K = 4: i_k = 1000 - round(k 999 / 3) = 1000, 667, 334, 1
        assertThat(ddpm.discretization(4)).containsExactly(1.0, 0.667, 0.334, 0.001);
        assertThat(ddpm.discretization(1)).containsExactly(1.0);
        double[] almost = ddpm.discretization(N - 1);
        assertThat(almost).hasSize(N - 1).startsWith(1.0).endsWith(1.0 / N);
        for (int i = 1; i < almost.length; i++) {
            assertThat(almost[i]).isLessThan(almost[i - 1]);
        }
    }

    @Test
    void priorIsTheStandardGaussian() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new double[] {1, 2}, new Shape(1, 2));
            double[] logDensity = new CosineSchedule(0.008, 0.999, N).priorLogDensity(x).toDoubleArray();
            assertThat(logDensity[0]).isCloseTo(-2.5 - Math.log(2 * Math.PI), within(1e-12));
        }
    }
}
