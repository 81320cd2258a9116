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
import io.scorelab.api.SampleResult.Trajectory;
import io.scorelab.api.Sampler;
import io.scorelab.plugins.schedules.GeometricSchedule;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sampler keeps the path of its first m = min(n, 64) samples: the first state is the prior draw, the last is
 * the returned samples (bit for bit), and for U updates the states lie at u = 0, s, 2 s, ..., with s the smallest
 * power of 2 with U &lt; 40 s, plus u = U (see {@link TrajectoryRecorder}).
 */
class TrajectoryTest {

    private static final DiagonalGaussian DATA = new DiagonalGaussian(new double[] {1.0, -0.5}, new double[] {0.25, 1.0});
    private static final NoiseSchedule VE = new VeSchedule(0.01, 50, 1e-5);
    private static final NoiseSchedule VP = new VpSchedule(0.1, 20, 1e-3, 1e-5);

    /** The seed of the samplers' noise. */
    private static final long SEED = 5;

    /** Draws the prior as the sampler does, from the same noise. */
    private static BiFunction<NDManager, Shape, NDArray> prior(NoiseSchedule schedule) {
        return (manager, shape) -> schedule.samplePrior(manager, shape, new SampleNoise(SEED, 0));
    }

    /** The expected number of states is worked by hand from the rule above for each sampler's U. */
    static Stream<Arguments> samplers() {
        NoiseSchedule geometric = new GeometricSchedule(0.01, 10, 10);
        return Stream.of(
                // U = 20 Langevin steps + 1 Tweedie step < 40: every state, 22.
                Arguments.of("langevin", new LangevinSampler(0.05, 20, 0.01, true), VP, prior(VP), 22),
                // U = 10 levels x 5 + 1 = 51: s = 2, u = 0, 2, ..., 50 and 51: 27.
                Arguments.of("annealed_langevin", new AnnealedLangevinSampler(5, 1e-4, true, 10), geometric,
                        prior(geometric), 27),
                // U = 20 steps: 21.
                Arguments.of("euler_maruyama", new EulerMaruyamaSampler(20, false), VP, prior(VP), 21),
                Arguments.of("reverse_diffusion", new ReverseDiffusionSampler(20, true), VE, prior(VE), 21),
                Arguments.of("ancestral", new AncestralSampler(20, false), VP, prior(VP), 21),
                // U = 20 levels x (2 corrector + 1 predictor) = 60: s = 2, u = 0, 2, ..., 60: 31.
                Arguments.of("pc", new PcSampler(20, "auto", "auto", 2, 0.16, true), VE, prior(VE), 31),
                // U = 100 Euler steps: s = 4, u = 0, 4, ..., 100: 26.
                Arguments.of("ode", new OdeSampler("euler", 100, 1e-5, 1e-5, false), VP, prior(VP), 26),
                Arguments.of("ddim", new DdimSampler(20, 0.5, "trailing"), VP, prior(VP), 21),
                // U = 10 Heun steps: 11. EDM draws N(0, sigma_max^2) itself.
                Arguments.of("edm", new EdmSampler(10, 7, 10, 0.05, 20, 1.007, Double.NaN, Double.NaN), VE,
                        (BiFunction<NDManager, Shape, NDArray>) (manager, shape) ->
                                new SampleNoise(SEED, 0).normal(manager, shape, DataType.FLOAT32).mul(50f), 11));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void theTrajectoryRunsFromThePriorDrawToTheSamples(String name, Sampler sampler, NoiseSchedule schedule,
            BiFunction<NDManager, Shape, NDArray> prior, int states) {
        Shape shape = new Shape(100, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] start = prior.apply(manager, shape).get(new NDIndex("0:64")).toFloatArray();
            SampleResult result = sampler.sample(DATA.score(schedule), schedule, new SampleNoise(SEED, 0), manager, shape);
            Trajectory trajectory = result.trajectory().orElseThrow();
            assertThat(trajectory.states().getShape()).isEqualTo(new Shape(states, 64, 2));
            assertThat(trajectory.times()).hasSize(states);
            assertThat(trajectory.states().get(0).toFloatArray()).containsExactly(start);
            assertThat(trajectory.states().get(states - 1).toFloatArray())
                    .containsExactly(result.samples().get(new NDIndex("0:64")).toFloatArray());
        }
    }

    /**
     * 1000 Euler-Maruyama steps: s = 32 (40 x 16 &lt;= 1000 &lt; 40 x 32), so u = 0, 32, ..., 992 and 1000, 33 states at
     * the grid's times t_u and t = 0 for the data; the run's manager ends with the samples and the one stacked
     * trajectory, however many steps there were.
     */
    @Test
    void aLongRunKeepsEvenlySpacedStatesAndNothingElse() {
        int steps = 1000;
        double[] grid = VP.discretization(steps);
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = new EulerMaruyamaSampler(steps, false).sample(DATA.score(VP), VP, new SampleNoise(SEED, 0),
                    manager, new Shape(16, 2));
            Trajectory trajectory = result.trajectory().orElseThrow();
            assertThat(manager.getManagedArrays()).containsExactlyInAnyOrder(result.samples(), trajectory.states());
            assertThat(trajectory.states().getShape()).isEqualTo(new Shape(33, 16, 2));
            for (int j = 0; j < 32; j++) {
                assertThat(trajectory.times()[j]).isEqualTo(grid[32 * j]);
            }
            assertThat(trajectory.times()[32]).isZero();
            assertThat(trajectory.states().get(32).toFloatArray()).containsExactly(result.samples().toFloatArray());
        }
    }

    /** rk45 chooses its steps: its states are accepted steps from T down to t_eps (times decrease), then Tweedie's t = 0. */
    @Test
    void rk45KeepsItsAcceptedSteps() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = new OdeSampler("rk45", 1, 1e-5, 1e-5, true).sample(DATA.score(VP), VP,
                    new SampleNoise(SEED, 0), manager, new Shape(8, 2));
            double[] times = result.trajectory().orElseThrow().times();
            assertThat(times[0]).isEqualTo(VP.tMax());
            assertThat(times[times.length - 2]).isCloseTo(VP.tMin(), within(1e-12));
            assertThat(times[times.length - 1]).isZero();
            for (int j = 1; j < times.length - 1; j++) {
                assertThat(times[j]).isLessThan(times[j - 1]);
            }
        }
    }
}
