package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.Sampler;
import io.scorelab.plugins.schedules.GeometricSchedule;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sampler draws its noise per sample ({@link SampleNoise}): with the exact score of N(mu, diag(v)), sample k
 * comes out the same, bit for bit, in a batch of 8, in batches of 3 + 5 and alone with first = k, for every sampler
 * whose updates act on each sample alone. The same noise gives the same batch, another seed another one; and every
 * step's arrays are closed with the step, so only the samples and their trajectory remain.
 */
class ReproducibilityTest {

    private static final DiagonalGaussian DATA = new DiagonalGaussian(new double[] {1.0, -0.5}, new double[] {0.25, 1.0});
    private static final NoiseSchedule VE = new VeSchedule(0.01, 50, 1e-5);
    private static final NoiseSchedule VP = new VpSchedule(0.1, 20, 1e-3, 1e-5);
    private static final long SEED = 42;

    /** Samplers whose updates act on each sample alone, each with a noise draw in (nearly) every step. */
    static Stream<Arguments> perSample() {
        return Stream.of(
                Arguments.of("langevin", new LangevinSampler(0.05, 20, 0.01, true), VP),
                Arguments.of("annealed_langevin", new AnnealedLangevinSampler(5, 1e-4, true, 10),
                        new GeometricSchedule(0.01, 10, 10)),
                Arguments.of("euler_maruyama", new EulerMaruyamaSampler(20, false), VP),
                Arguments.of("reverse_diffusion", new ReverseDiffusionSampler(20, true), VE),
                Arguments.of("ancestral", new AncestralSampler(20, false), VP),
                Arguments.of("pc reverse_diffusion + ald", new PcSampler(20, "reverse_diffusion", "ald", 2, 0.16, true), VE),
                Arguments.of("ode rk4", new OdeSampler("rk4", 20, 1e-5, 1e-5, true), VP),
                Arguments.of("ddim eta = 0.5", new DdimSampler(20, 0.5, "trailing"), VP),
                Arguments.of("edm with churn", new EdmSampler(10, 7, 10, 0.05, 20, 1.007, Double.NaN, Double.NaN), VE));
    }

    /** pc's langevin corrector (batch-mean norms, score_sde's default on ve) and rk45 (a batch-wide step size). */
    static Stream<Arguments> coupled() {
        return Stream.of(
                Arguments.of("pc auto (langevin corrector)", new PcSampler(20, "auto", "auto", 2, 0.16, true), VE),
                Arguments.of("ode rk45", new OdeSampler("rk45", 1, 1e-5, 1e-5, true), VP));
    }

    static Stream<Arguments> all() {
        return Stream.concat(perSample(), coupled());
    }

    /** @return the samples first, ..., first + n - 1 as a flat float array */
    private static float[] draw(Sampler sampler, NoiseSchedule schedule, long first, int n) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return sampler.sample(DATA.score(schedule), schedule, new SampleNoise(SEED, first), manager, new Shape(n, 2))
                    .samples().toFloatArray();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("perSample")
    void aSampleIsTheSameInAnyBatchAndAlone(String name, Sampler sampler, NoiseSchedule schedule) {
        float[] batch = draw(sampler, schedule, 0, 8);
        float[] head = draw(sampler, schedule, 0, 3);
        float[] tail = draw(sampler, schedule, 3, 5);
        float[] split = Arrays.copyOf(head, 16);
        System.arraycopy(tail, 0, split, 6, 10);
        assertThat(split).containsExactly(batch);
        assertThat(draw(sampler, schedule, 5, 1)).containsExactly(Arrays.copyOfRange(batch, 10, 12));
    }

    /**
     * Where updates couple the batch, sample 5 drawn alone starts from the same prior draw as sample 5 of 8 and meets
     * the same noise, but takes other steps: pc's Langevin step size comes from batch-mean norms (with one sample,
     * from that sample's norms alone), rk45's step size from the whole batch's error.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("coupled")
    void aCoupledSamplerStartsFromTheSamePriorDraw(String name, Sampler sampler, NoiseSchedule schedule) {
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult batch = sampler.sample(DATA.score(schedule), schedule, new SampleNoise(SEED, 0), manager,
                    new Shape(8, 2));
            SampleResult alone = sampler.sample(DATA.score(schedule), schedule, new SampleNoise(SEED, 5), manager,
                    new Shape(1, 2));
            assertThat(alone.trajectory().orElseThrow().states().get(new NDIndex("0, 0")).toFloatArray())
                    .containsExactly(batch.trajectory().orElseThrow().states().get(new NDIndex("0, 5")).toFloatArray());
        }
    }

    /**
     * rk45 on a deterministic flow: sample 5 alone ends within the solver's tolerance of sample 5 of 8 (rtol = atol =
     * 1e-5 per step; each step sequence is within 5e-4 of the exact flow map, see OdeSamplerTest, so the two differ
     * by at most about twice that; measured 2.4e-5, tolerance 1e-3).
     */
    @Test
    void rk45DrawsASampleAloneWithinItsTolerance() {
        Sampler sampler = new OdeSampler("rk45", 1, 1e-5, 1e-5, true);
        float[] batch = draw(sampler, VP, 0, 8);
        float[] alone = draw(sampler, VP, 5, 1);
        for (int j = 0; j < 2; j++) {
            assertThat((double) alone[j]).isCloseTo(batch[10 + j], within(1e-3));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void theSameNoiseGivesTheSameBatchAndOnlyTheSamplesAndTrajectoryRemain(
            String name, Sampler sampler, NoiseSchedule schedule) {
        float[][] runs = new float[2][];
        for (int r = 0; r < 2; r++) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SampleResult result = sampler.sample(DATA.score(schedule), schedule, new SampleNoise(SEED, 0), manager,
                        new Shape(16, 2));
                runs[r] = result.samples().toFloatArray();
                assertThat(result.samples().getShape()).isEqualTo(new Shape(16, 2));
                assertThat(manager.getManagedArrays())
                        .containsExactlyInAnyOrder(result.samples(), result.trajectory().orElseThrow().states());
            }
        }
        assertThat(runs[1]).containsExactly(runs[0]);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] other = sampler.sample(DATA.score(schedule), schedule, new SampleNoise(SEED + 1, 0), manager,
                    new Shape(16, 2)).samples().toFloatArray();
            assertThat(other).isNotEqualTo(runs[0]);
        }
    }
}
