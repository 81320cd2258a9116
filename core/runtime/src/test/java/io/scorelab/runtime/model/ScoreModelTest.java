package io.scorelab.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.ParameterStore;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.autograd.PtAutograd;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.plugins.schedules.VpSchedule;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each parameterization with a hand-made network whose score is known: data N(0, c^2 I) noised to
 * x_t = alpha x_0 + sigma z has the exact score s = -x / (alpha^2 c^2 + sigma^2). Everything is a
 * few float32 operations on O(1) numbers, so the tolerances are float32 rounding (1e-5 relative).
 */
class ScoreModelTest {

    private static final PtAutograd AUTOGRAD = new PtAutograd();
    private static final float[] POINTS = {0.5f, -1.0f, 2.0f, 0.25f, -3.0f, 1.5f};
    private static final float[] TIMES = {0.1f, 0.5f, 0.9f};

    @Test
    void epsPredictionOfTheNoiseGivesTheExactScore() {
        // For c = 1 under VE: E[z | x] = sigma x / (1 + sigma^2), the eps network's ideal output.
        NoiseSchedule ve = new VeSchedule(0.01, 5, 0);
        Block eps = network(in -> {
            NDArray sigma = in.get(1).exp().reshape(-1, 1);
            return in.get(0).mul(sigma).div(sigma.square().add(1));
        });
        assertExactScore(Parameterization.EPS, eps, ve, 1.0);
    }

    @Test
    void aZeroNetworkUnderX0PreconditioningIsTheScoreOfDataWithStdSigmaData() {
        // F = 0 leaves D = c_skip x~, whose score (D - x)/sigma^2 = -x / (sigma^2 + sd^2): N(0, sd^2) data.
        Block zero = network(in -> in.get(0).zerosLike());
        assertExactScore(Parameterization.X0, zero, new VeSchedule(0.01, 5, 0), 0.5);
        // With alpha != 1 (VP) the scaled denoiser gives -x / (alpha^2 sd^2 + sigma^2), the VP marginal's score.
        assertExactScore(Parameterization.X0, zero, new VpSchedule(0.1, 20, 1e-3, 1e-5), 0.5);
    }

    @Test
    void theX0ScoreAndTweedieDenoiserAgree() {
        // Tweedie for VE: E[x_0 | x_t] = x_t + sigma^2 s. With F = 0, D = c_skip x exactly, so both ways must agree.
        NoiseSchedule ve = new VeSchedule(0.01, 5, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            ScoreModel model = model(Parameterization.X0, network(in -> in.get(0).zerosLike()), ve, manager);
            NDArray x = manager.create(POINTS, new Shape(3, 2));
            NDArray t = manager.create(TIMES);
            NDArray sigma = ve.sigma(t).reshape(3, 1);
            NDArray tweedie = x.add(model.score(x, t).mul(sigma.square()));
            NDArray denoiser = x.mul(sigma.square().add(0.25f).pow(-1).mul(0.25f));
            assertClose(tweedie, denoiser);
        }
    }

    @Test
    void anEnergyOfTheGaussianGivesItsScoreByDifferentiation() {
        // E = ||x||^2 / (2 (1 + sigma^2)) for c = 1 under VE, so -grad E = -x / (1 + sigma^2).
        Block energy = network(in -> {
            NDArray sigma2 = in.get(1).mul(2).exp().reshape(-1, 1);
            return in.get(0).square().sum(new int[] {1}, true).div(sigma2.add(1).mul(2));
        });
        assertExactScore(Parameterization.ENERGY, energy, new VeSchedule(0.01, 5, 0), 1.0);
    }

    @Test
    void anEnergyScoreCanBeDifferentiatedAgainAsImplicitScoreMatchingDoes() {
        // ism differentiates s = -grad E once more: for the Gaussian energy above, d s_k / d x_k = -1 / (1 + sigma^2).
        Block energy = network(in -> {
            NDArray sigma2 = in.get(1).mul(2).exp().reshape(-1, 1);
            return in.get(0).square().sum(new int[] {1}, true).div(sigma2.add(1).mul(2));
        });
        NoiseSchedule ve = new VeSchedule(0.01, 5, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            energy.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1));
            ScoreModel model = new ScoreModel(energy, new ParameterStore(manager, false), ModelOptions.of(Parameterization.ENERGY),
                    ve, AUTOGRAD, true);
            NDArray t = manager.create(TIMES);
            NDArray derivative = AUTOGRAD.recording(() -> {
                NDArray x = AUTOGRAD.leaf(manager.create(POINTS, new Shape(3, 2)));
                NDArray score = model.score(x, t);
                NDArray firstAxis = manager.create(new float[] {1, 0, 1, 0, 1, 0}, new Shape(3, 2));
                return AUTOGRAD.vjp(score, x, firstAxis).get(":, 0");
            });
            NDArray expected = ve.sigma(t).square().add(1).pow(-1).neg();
            assertClose(derivative, expected);
        }
    }

    @Test
    void outputShapes() {
        assertThat(Parameterization.ENERGY.outputShape(new Shape(1, 8, 8))).isEqualTo(new Shape(1));
        assertThat(Parameterization.X0.outputShape(new Shape(1, 8, 8))).isEqualTo(new Shape(1, 8, 8));
        assertThat(Parameterization.named("x0")).isEqualTo(Parameterization.X0);
    }

    private static void assertExactScore(Parameterization p, Block network, NoiseSchedule schedule, double c) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ScoreModel model = model(p, network, schedule, manager);
            NDArray x = manager.create(POINTS, new Shape(3, 2));
            NDArray t = manager.create(TIMES);
            NDArray alpha = schedule.alpha(t).reshape(3, 1);
            NDArray sigma = schedule.sigma(t).reshape(3, 1);
            NDArray exact = x.neg().div(alpha.square().mul((float) (c * c)).add(sigma.square()));
            assertClose(model.score(x, t), exact);
        }
    }

    private static ScoreModel model(Parameterization p, Block network, NoiseSchedule schedule, NDManager manager) {
        network.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1));
        return new ScoreModel(network, new ParameterStore(manager, false), ModelOptions.of(p), schedule, AUTOGRAD, false);
    }

    private static Block network(Function<NDList, NDArray> f) {
        return new LambdaBlock(in -> new NDList(f.apply(in)));
    }

    private static void assertClose(NDArray actual, NDArray expected) {
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        assertThat(a).hasSameSizeAs(e);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(1e-5f * Math.max(1f, Math.abs(e[i]))));
        }
    }
}
