package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleResult;
import io.scorelab.api.Sampler;
import io.scorelab.plugins.schedules.GeometricSchedule;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sampler draws its noise from the engine's seeded generator on the device, so the same seed gives the same
 * batch, bit for bit (a sample's value depends on the whole batch's draws, so sample k alone is not reproducible
 * from a seed); and every step's arrays are closed with the step, so only the samples and their trajectory
 * remain.
 */
class ReproducibilityTest {

    private static final DiagonalGaussian DATA = new DiagonalGaussian(new double[] {1.0, -0.5}, new double[] {0.25, 1.0});

    static Stream<Arguments> samplers() {
        NoiseSchedule ve = new VeSchedule(0.01, 50, 1e-5);
        NoiseSchedule vp = new VpSchedule(0.1, 20, 1e-3, 1e-5);
        return Stream.of(
                Arguments.of("langevin", new LangevinSampler(0.05, 20, 0.01, true), vp),
                Arguments.of("annealed_langevin", new AnnealedLangevinSampler(5, 1e-4, true, 10), new GeometricSchedule(0.01, 10, 10)),
                Arguments.of("euler_maruyama", new EulerMaruyamaSampler(20, false), vp),
                Arguments.of("reverse_diffusion", new ReverseDiffusionSampler(20, true), ve),
                Arguments.of("ancestral", new AncestralSampler(20, false), vp),
                Arguments.of("pc", new PcSampler(20, "auto", "auto", 2, 0.16, true), ve),
                Arguments.of("ode", new OdeSampler("rk45", 1, 1e-5, 1e-5, true), vp),
                Arguments.of("ddim", new DdimSampler(20, 0.5, "trailing"), vp),
                Arguments.of("edm", new EdmSampler(10, 7, 10, 0.05, 20, 1.007, Double.NaN, Double.NaN), ve));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void theSameSeedGivesTheSameBatchAndOnlyTheSamplesAndTrajectoryRemain(String name, Sampler sampler, NoiseSchedule schedule) {
        float[][] runs = new float[2][];
        for (int r = 0; r < 2; r++) {
            Engine.getInstance().setRandomSeed(42);
            try (NDManager manager = NDManager.newBaseManager()) {
                SampleResult result = sampler.sample(DATA.score(schedule), schedule, manager, new Shape(16, 2));
                runs[r] = result.samples().toFloatArray();
                assertThat(result.samples().getShape()).isEqualTo(new Shape(16, 2));
                assertThat(manager.getManagedArrays())
                        .containsExactlyInAnyOrder(result.samples(), result.trajectory().orElseThrow().states());
            }
        }
        assertThat(runs[1]).containsExactly(runs[0]);
        Engine.getInstance().setRandomSeed(43);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] other = sampler.sample(DATA.score(schedule), schedule, manager, new Shape(16, 2)).samples().toFloatArray();
            assertThat(other).isNotEqualTo(runs[0]);
        }
    }
}
