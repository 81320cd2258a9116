package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.ScoreFunction;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class OdeSamplerTest {

    private static final NoiseSchedule VE = new VeSchedule(0.01, 50, 1e-5);

    /**
     * For data N(mu, v) the probability flow keeps each point's standardized value: x_t = alpha_t mu + sqrt(V_t /
     * V_T) (x_T - alpha_T mu) with V_t = alpha_t^2 v + sigma_t^2. This is the exact image of x_T at t_eps.
     */
    private static double exactFlow(NoiseSchedule schedule, double mu, double v, double xT) {
        double t0 = schedule.tMin();
        double t1 = schedule.tMax();
        double v0 = Math.pow(schedule.alphaAt(t0), 2) * v + Math.pow(schedule.sigmaAt(t0), 2);
        double v1 = Math.pow(schedule.alphaAt(t1), 2) * v + Math.pow(schedule.sigmaAt(t1), 2);
        return schedule.alphaAt(t0) * mu + Math.sqrt(v0 / v1) * (xT - schedule.alphaAt(t1) * mu);
    }

    /** @return the largest error of the fixed-step flow of three float64 points from 1-D data N(0.5, 0.25) on ve */
    private static double flowError(String solver, int steps) {
        DiagonalGaussian data = new DiagonalGaussian(new double[] {0.5}, new double[] {0.25});
        double[] starts = {-40, 3, 30};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray prior = manager.create(starts).reshape(3, 1);
            double[] out = new OdeSampler(solver, steps, 1e-5, 1e-5, false).flow(data.score(VE), VE, prior).samples()
                    .toDoubleArray();
            double error = 0;
            for (int i = 0; i < 3; i++) {
                error = Math.max(error, Math.abs(out[i] - exactFlow(VE, 0.5, 0.25, starts[i])));
            }
            return error;
        }
    }

    /**
     * The error at t_eps against the exact flow map shrinks as steps^-p: the least-squares slope of ln(error) on
     * ln(steps) over a doubling range in each solver's asymptotic regime (measured: euler -0.93, heun -2.15, rk4
     * -4.27; the range of errors is 0.19 to 1e-7, far above float64 rounding). A tolerance of 0.3 tells each order
     * from its neighbours.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"euler, 1, 40", "heun, 2, 20", "rk4, 4, 10"})
    void errorShrinksAtTheSolversOrder(String solver, int order, int fewest) {
        int points = 4;
        double[] logSteps = new double[points];
        double[] logErrors = new double[points];
        for (int k = 0; k < points; k++) {
            int steps = fewest << k;
            logSteps[k] = Math.log(steps);
            logErrors[k] = Math.log(flowError(solver, steps));
        }
        double meanX = 0;
        double meanY = 0;
        for (int k = 0; k < points; k++) {
            meanX += logSteps[k] / points;
            meanY += logErrors[k] / points;
        }
        double sxy = 0;
        double sxx = 0;
        for (int k = 0; k < points; k++) {
            sxy += (logSteps[k] - meanX) * (logErrors[k] - meanY);
            sxx += Math.pow(logSteps[k] - meanX, 2);
        }
        assertThat(sxy / sxx).isCloseTo(-order, within(0.3));
    }

    /** Same x_T, same output, bit for bit; and rk45 lands on the exact flow map of a 2-D Gaussian. */
    @Test
    void theFlowIsDeterministicAndExactForGaussianData() {
        DiagonalGaussian data = new DiagonalGaussian(new double[] {1.0, -0.5}, new double[] {0.25, 1.0});
        NoiseSchedule vp = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray prior = vp.samplePrior(manager, new Shape(500, 2), new SampleNoise(3, 0));
            OdeSampler sampler = new OdeSampler("rk45", 1, 1e-5, 1e-5, false);
            float[] first = sampler.flow(data.score(vp), vp, prior).samples().toFloatArray();
            float[] second = sampler.flow(data.score(vp), vp, prior).samples().toFloatArray();
            assertThat(second).containsExactly(first);
            float[] start = prior.toFloatArray();
            for (int i = 0; i < first.length; i++) {
                int j = i % 2;
                // rk45 at rtol = atol = 1e-5 in float32: measured errors below 1e-4.
                assertThat((double) first[i]).isCloseTo(exactFlow(vp, data.mean()[j], data.variance()[j], start[i]),
                        within(5e-4));
            }
        }
    }

    /** scipy 1.17's solve_ivp(method="RK45", rtol=1e-5, atol=1e-5) on the same problems: nfev and y(t1). */
    static Stream<Arguments> scipyProblems() {
        OdeSolver.VectorField oscillator = (y, t) ->
                y.get(new NDIndex(":, 1:2")).concat(y.get(new NDIndex(":, 0:1")).mul(-400), 1);
        OdeSolver.VectorField bump = (y, t) -> y.mul(-(1 + 20 * Math.exp(-400 * (t - 0.3) * (t - 0.3))));
        OdeSolver.VectorField backward = (y, t) ->
                y.get(new NDIndex(":, 0:1")).mul(-2 * t).concat(y.get(new NDIndex(":, 1:2")), 1);
        return Stream.of(
                // y'' = -400 y: 64 attempted steps, 9 of them rejected.
                Arguments.of("oscillator", oscillator, new double[] {1, 0}, 0.0, 1.0, 386,
                        new double[] {0.4080344273488133, -18.258421836105477}),
                // a sharp bump in the decay rate at t = 0.3: 3 rejections.
                Arguments.of("bump", bump, new double[] {1}, 0.0, 1.0, 98, new double[] {0.06250598045172032}),
                // backward in time, from t = 1 to 0.
                Arguments.of("backward", backward, new double[] {1, 3}, 1.0, 0.0, 26,
                        new double[] {2.718290801050413, 1.103640339452879}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scipyProblems")
    void dormandPrinceTakesScipysSteps(String name, OdeSolver.VectorField field, double[] y0, double t0, double t1,
            int evaluations, double[] expected) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray start = manager.create(y0, new Shape(1, y0.length));
            OdeSolver.Solution solution = OdeSolver.RK45.solve(field, start, new double[] {t0, t1}, 1e-5, 1e-5, manager);
            assertThat(solution.evaluations()).isEqualTo(evaluations);
            double[] y = solution.y().toDoubleArray();
            for (int j = 0; j < expected.length; j++) {
                // The same arithmetic in float64, summed in another order: agreement to 1e-10 relative (measured 2e-12).
                assertThat(y[j]).isCloseTo(expected[j], within(1e-10 * Math.abs(expected[j])));
            }
            assertThat(manager.getManagedArrays()).containsExactlyInAnyOrder(start, solution.y());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"euler, 10, false, 10", "heun, 10, false, 20", "rk4, 10, true, 41"})
    void fixedStepSolversCostOneTwoOrFourEvaluationsPerStep(String solver, int steps, boolean denoiseLast, int nfe) {
        int[] calls = {0};
        DiagonalGaussian data = new DiagonalGaussian(new double[] {0, 0}, new double[] {1, 1});
        ScoreFunction exact = data.score(VE);
        ScoreFunction counted = (x, t) -> {
            calls[0]++;
            return exact.score(x, t);
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = new OdeSampler(solver, steps, 1e-5, 1e-5, denoiseLast).sample(counted, VE,
                    new SampleNoise(3, 0), manager, new Shape(8, 2));
            assertThat(result.nfe()).isEqualTo(nfe).isEqualTo(calls[0]);
            assertThat(manager.getManagedArrays())
                    .containsExactlyInAnyOrder(result.samples(), result.trajectory().orElseThrow().states());
        }
    }

    @Test
    void rk45ReportsEveryEvaluationItMade() {
        int[] calls = {0};
        DiagonalGaussian data = new DiagonalGaussian(new double[] {1, -1}, new double[] {0.01, 4});
        ScoreFunction exact = data.score(VE);
        ScoreFunction counted = (x, t) -> {
            calls[0]++;
            return exact.score(x, t);
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = new OdeSampler("rk45", 1, 1e-5, 1e-5, true).sample(counted, VE, new SampleNoise(4, 0),
                    manager, new Shape(64, 2));
            assertThat(result.nfe()).isEqualTo(calls[0]);
            // 2 to start, 6 per attempted step, 1 for the Tweedie step.
            assertThat((result.nfe() - 3) % 6).isZero();
            assertThat(result.samples().getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(manager.getManagedArrays())
                    .containsExactlyInAnyOrder(result.samples(), result.trajectory().orElseThrow().states());
        }
    }
}
