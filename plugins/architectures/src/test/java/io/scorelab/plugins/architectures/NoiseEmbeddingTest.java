package io.scorelab.plugins.architectures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.scorelab.api.Architecture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseEmbeddingTest {

    @Test
    void sinusoidalEmbeddingMatchesItsClosedForm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] c = {0f, 1f, -2f};
            float[] e = NoiseEmbedding.sinusoidal(manager.create(c), 4).toFloatArray();

            // K = 2: f_0 = 0.1 * 1000^(1/4) = 0.5623, f_1 = 0.1 * 1000^(3/4) = 17.783.
            double[] f = {0.1 * Math.pow(1000, 0.25), 0.1 * Math.pow(1000, 0.75)};
            for (int i = 0; i < c.length; i++) {
                double[] expected = {
                    Math.sin(c[i] * f[0]), Math.sin(c[i] * f[1]), Math.cos(c[i] * f[0]), Math.cos(c[i] * f[1])
                };
                for (int j = 0; j < 4; j++) {
                    // float32 phases up to 36 rad carry rounding of about 36 * 6e-8 = 2e-6
                    assertThat(e[4 * i + j]).isCloseTo((float) expected[j], within(1e-5f));
                }
            }
        }
    }

    @Test
    void fourierFeaturesAreSinesAndCosinesOfGaussianFrequencies() {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            int k = 1024;
            NoiseEmbedding embedding = new NoiseEmbedding("fourier", 2 * k, 16);
            embedding.initialize(manager, DataType.FLOAT32, new Shape(1));
            float[] w = embedding.getParameters().get("fourier_frequencies").getArray().toFloatArray();
            float c = 0.3f;
            NDList input = new NDList(manager.create(new float[] {c}));
            float[] e = embedding.forward(new ParameterStore(manager, false), input, false)
                    .singletonOrThrow().toFloatArray();

            double sumOfSquares = 0;
            for (int j = 0; j < k; j++) {
                sumOfSquares += (double) w[j] * w[j];
                double phase = 2 * Math.PI * w[j] * c;
                // float32 phases of up to about 2 pi * 64 * 0.3 = 120 rad carry rounding of about 1e-5
                assertThat(e[j]).isCloseTo((float) Math.sin(phase), within(1e-4f));
                assertThat(e[k + j]).isCloseTo((float) Math.cos(phase), within(1e-4f));
            }
            // The root mean square of 1024 draws of N(0, 16^2) estimates 16 with a relative standard
            // error of 1 / sqrt(2 * 1024) = 2.2%; 10% is 4.5 standard errors.
            assertThat(Math.sqrt(sumOfSquares / k)).isCloseTo(16, within(1.6));
        }
    }

    @Test
    void fourierFeaturesAreNotTrained() {
        Engine.getInstance().setRandomSeed(12);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = new ResMlpArchitecture(16, 1, "silu", "fourier", 8, 16).build(new Shape(2), new Shape(2));
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1));
            ParameterStore store = new ParameterStore(manager, false);
            Parameter frequencies = fourierFrequencies(block);
            float[] before = frequencies.getArray().toFloatArray();
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build();

            for (int step = 0; step < 5; step++) {
                try (NDManager stepManager = manager.newSubManager()) {
                    NDList inputs = new NDList(stepManager.randomNormal(new Shape(8, 2)),
                            stepManager.randomUniform(-3f, 3f, new Shape(8)));
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.backward(block.forward(store, inputs, true).singletonOrThrow().square().mean());
                    }
                    for (Parameter parameter : block.getParameters().values()) {
                        try (NDArray gradient = parameter.getArray().getGradient()) {
                            if (parameter == frequencies) {
                                assertThat(gradient.abs().sum().getFloat()).isZero();
                            }
                            adam.update(parameter.getId(), parameter.getArray(), gradient);
                            gradient.subi(gradient);
                        }
                    }
                }
            }

            assertThat(frequencies.getArray().toFloatArray()).containsExactly(before);
        }
    }

    @Test
    void savedParametersRestoreTheFourierFeatures() throws IOException, MalformedModelException {
        assertRoundTrip(new ResMlpArchitecture(16, 2, "silu", "fourier", 8, 16), new Shape(2));
        assertRoundTrip(new UNetArchitecture(8, List.of(1, 2), 1, true, 4, "fourier", 8, 16), new Shape(1, 8, 8));
    }

    private static void assertRoundTrip(Architecture architecture, Shape example)
            throws IOException, MalformedModelException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape xShape = new Shape(4).addAll(example);
            NDList inputs = new NDList(manager.randomNormal(xShape), manager.randomUniform(-3f, 3f, new Shape(4)));
            Engine.getInstance().setRandomSeed(13);
            Block saved = initialized(architecture, example, manager);
            float[] expected = output(saved, inputs, manager);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            saved.saveParameters(new DataOutputStream(bytes));

            Engine.getInstance().setRandomSeed(14);
            Block restored = initialized(architecture, example, manager);
            // Another seed draws other weights and frequencies: the outputs differ before loading.
            assertThat(output(restored, inputs, manager)).isNotEqualTo(expected);
            restored.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

            assertThat(fourierFrequencies(restored).getArray().toFloatArray())
                    .containsExactly(fourierFrequencies(saved).getArray().toFloatArray());
            assertThat(output(restored, inputs, manager)).containsExactly(expected);
        }
    }

    /** The frequencies w of the block's Fourier embedding (DJL prefixes names with child indices). */
    private static Parameter fourierFrequencies(Block block) {
        return block.getParameters().stream()
                .filter(p -> p.getKey().endsWith("embedding_fourier_frequencies"))
                .map(p -> p.getValue())
                .findFirst()
                .orElseThrow();
    }

    private static Block initialized(Architecture architecture, Shape example, NDManager manager) {
        Block block = architecture.build(example, example);
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(example), new Shape(1));
        return block;
    }

    private static float[] output(Block block, NDList inputs, NDManager manager) {
        return block.forward(new ParameterStore(manager, false), inputs, false).singletonOrThrow().toFloatArray();
    }
}
