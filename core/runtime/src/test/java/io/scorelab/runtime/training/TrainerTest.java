package io.scorelab.runtime.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.scorelab.plugins.architectures.MlpArchitecture;
import io.scorelab.plugins.datasets.GaussianMixtureDataset;
import io.scorelab.plugins.losses.NcsnLoss;
import io.scorelab.plugins.schedules.GeometricSchedule;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.autograd.PtAutograd;
import io.scorelab.runtime.model.ModelOptions;
import io.scorelab.runtime.model.Parameterization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    private static TrainerOptions options(int steps, int logEvery) {
        return new TrainerOptions(steps, 128, 2e-3, 0.9, 0.999, 1e-8, 20, 1.0, 0.99, logEvery, 0, false);
    }

    private static Trainer trainer(TrainerOptions options) {
        return new Trainer(options,
                new GaussianMixtureDataset(8, 4.0, 0.2, new double[0]),
                new GeometricSchedule(0.01, 10, 10),
                new NcsnLoss(),
                new MlpArchitecture(64, 2, "silu", 16),
                ModelOptions.of(Parameterization.EPS),
                new PtAutograd(),
                Device.cpu());
    }

    private static List<Map<String, Double>> train(Trainer trainer, long until) {
        List<Map<String, Double>> logs = new ArrayList<>();
        trainer.train(until, new TrainingListener() {
            @Override
            public void onLog(long step, Map<String, Double> metrics) {
                logs.add(metrics);
            }
        });
        return logs;
    }

    @Test
    void theLossFallsAndTheLogsCarryTheDiagnostics() {
        Engine.getInstance().setRandomSeed(0);
        try (Trainer trainer = trainer(options(400, 100))) {
            List<Map<String, Double>> logs = train(trainer, 400);
            assertThat(logs).hasSize(4);
            // ncsn's loss at a random network is about d/2 = 1 per example (sigma s is small, ||z||^2/2 = 1);
            // a network that learned anything halves it within a few hundred steps
            assertThat(logs.get(3).get("train/loss")).isLessThan(0.7 * logs.get(0).get("train/loss"));
            assertThat(logs.get(3)).containsKeys("train/grad_norm", "train/lr", "train/examples_per_sec",
                    "train/loss_by_sigma/10.0", "train/loss_by_sigma/0.0100");
            assertThat(logs.get(3).get("train/lr")).isEqualTo(2e-3);
        }
    }

    @Test
    void anEnergyModelTrainsThroughItsGradientWithFlatMemory() {
        // The score is -grad_x E, so the loss's gradient is a second derivative of the network: the loss can
        // only fall if that second-order path is real. Continuous ve times give many levels: half-decade bins.
        Engine.getInstance().setRandomSeed(3);
        try (Trainer trainer = new Trainer(options(300, 10),
                new GaussianMixtureDataset(8, 4.0, 0.2, new double[0]),
                new VeSchedule(0.01, 10, 0),
                new NcsnLoss(),
                new MlpArchitecture(64, 2, "silu", 16),
                ModelOptions.of(Parameterization.ENERGY),
                new PtAutograd(),
                Device.cpu())) {
            List<Map<String, Double>> logs = train(trainer, 100);
            int after100 = trainer.liveArrays();
            logs.addAll(train(trainer, 300));
            assertThat(trainer.liveArrays()).isEqualTo(after100);
            // the first 10 steps average about 0.95; by step 300 about 0.8 (the continuous-time floor is high)
            Map<String, Double> last = logs.get(logs.size() - 1);
            assertThat(last.get("train/loss")).isLessThan(0.9 * logs.get(0).get("train/loss"));
            assertThat(last.keySet().stream().filter(k -> k.startsWith("train/loss_by_sigma/")))
                    .hasSizeLessThanOrEqualTo(7) // 0.01 .. 10 spans six half decades, plus sigma_max's own bin
                    .contains("train/loss_by_sigma/0.0100", "train/loss_by_sigma/3.16");
        }
    }

    @Test
    void halfDecadeBinsAreNamedByTheirLowerEdge() {
        assertThat(Trainer.halfDecade(1.0)).isEqualTo(1.0);
        assertThat(Trainer.halfDecade(0.1)).isEqualTo(0.1, within(1e-15));
        assertThat(Trainer.halfDecade(0.5)).isEqualTo(Math.sqrt(0.1), within(1e-15));
        assertThat(Trainer.halfDecade(9.99)).isEqualTo(Math.sqrt(10), within(1e-15));
        assertThat(Trainer.halfDecade(0)).isEqualTo(0);
    }

    @Test
    void memoryStaysFlatOverSteps() {
        Engine.getInstance().setRandomSeed(0);
        try (Trainer trainer = trainer(options(300, 50))) {
            train(trainer, 50);
            int after50 = trainer.liveArrays();
            train(trainer, 300);
            assertThat(trainer.liveArrays()).isEqualTo(after50);
        }
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        double[] losses = new double[2];
        for (int i = 0; i < 2; i++) {
            Engine.getInstance().setRandomSeed(7);
            try (Trainer trainer = trainer(options(60, 60))) {
                losses[i] = train(trainer, 60).get(0).get("train/loss");
            }
        }
        assertThat(losses[1]).isEqualTo(losses[0]);
    }

    @Test
    void aCheckpointRestoresTheAveragedModelAndTheStep(@TempDir Path dir) throws Exception {
        Engine.getInstance().setRandomSeed(1);
        try (Trainer trained = trainer(options(50, 50)); Trainer restored = trainer(options(50, 50));
                NDManager manager = NDManager.newBaseManager()) {
            train(trained, 50);
            trained.saveCheckpoint(dir);
            restored.loadCheckpoint(dir);
            assertThat(restored.step()).isEqualTo(50);
            NDArray x = manager.randomNormal(new Shape(16, 2));
            NDArray t = manager.full(new Shape(16), 0.5f);
            float[] expected = trained.emaModel().score(x, t).toFloatArray();
            float[] actual = restored.emaModel().score(x, t).toFloatArray();
            assertThat(actual).containsExactly(expected);
        }
    }

    @Test
    void adamsFirstStepMovesEachWeightByTheLearningRate() {
        // On the first step m_hat / sqrt(v_hat) = g / |g|, so every weight moves by lr against its gradient's sign
        // (up to eps / |g| = 1e-8 relative), whatever the gradient's size: the closed form of Adam's first step.
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter weight = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
.build();
            weight.setArray(manager.create(new float[] {1f, -2f, 3f}));
            weight.getArray().setRequiresGradient(true);
            TrainerOptions options = new TrainerOptions(1, 1, 0.1, 0.9, 0.999, 1e-8, 0, 0, 0.99, 1, 0, false);
            Adam adam = new Adam(List.of(weight), options);
            try (NDManager step = manager.newSubManager();
                    ai.djl.training.GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(weight.getArray().square().sum().mul(0.5f));
            }
            try (NDManager step = manager.newSubManager()) {
                adam.update(step, step.create(true), 0.1);
            }
            float[] moved = weight.getArray().toFloatArray();
            assertThat(moved[0]).isCloseTo(0.9f, within(1e-6f));
            assertThat(moved[1]).isCloseTo(-1.9f, within(1e-6f));
            assertThat(moved[2]).isCloseTo(2.9f, within(1e-6f));
            try (NDManager step = manager.newSubManager()) {
                NDArray gradient = weight.getArray().getGradient();
                gradient.attach(step);
                assertThat(gradient.toFloatArray()).containsOnly(0f); // zeroed for the next backward pass
            }
        }
    }

    @Test
    void aNonFiniteStepLeavesTheWeightsAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter weight = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
.build();
            weight.setArray(manager.create(new float[] {1f, 2f}));
            weight.getArray().setRequiresGradient(true);
            Adam adam = new Adam(List.of(weight), new TrainerOptions(1, 1, 0.1, 0.9, 0.999, 1e-8, 0, 1.0, 0.99, 1, 0, true));
            try (ai.djl.training.GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(weight.getArray().sum().mul(Float.NaN));
            }
            try (NDManager step = manager.newSubManager()) {
                NDArray applied = adam.update(step, step.create(false), 0.1).get(1);
                assertThat(applied.getBoolean()).isFalse();
            }
            assertThat(weight.getArray().toFloatArray()).containsExactly(1f, 2f);
        }
    }

    @Test
    void warmupIsLinear() {
        TrainerOptions options = new TrainerOptions(10, 1, 1e-3, 0.9, 0.999, 1e-8, 4, 1.0, 0.99, 1, 0, false);
        assertThat(options.learningRate(0)).isEqualTo(0.25e-3);
        assertThat(options.learningRate(3)).isEqualTo(1e-3);
        assertThat(options.learningRate(100)).isEqualTo(1e-3);
    }
}
