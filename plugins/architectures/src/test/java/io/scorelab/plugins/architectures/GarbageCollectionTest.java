package io.scorelab.plugins.architectures;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.scorelab.api.Architecture;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On the PyTorch engine, {@code x.mul(Number)} (and DJL's {@code Activation.swish}, which uses it)
 * keeps its scalar in an array backed by a Java direct buffer; autograd saves that array for the
 * backward pass, so a garbage collection between the forward and the backward pass frees memory the
 * backward pass then reads. The networks avoid such operations: their gradients must not depend on
 * when the collector runs.
 */
class GarbageCollectionTest {

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of("mlp", new MlpArchitecture(16, 2, "silu", 8), new Shape(2)),
                Arguments.of("resmlp", new ResMlpArchitecture(16, 2, "silu", "fourier", 8, 16), new Shape(2)),
                Arguments.of("unet", new UNetArchitecture(8, List.of(1, 2), 1, true, 4, "sinusoidal", 8, 16),
                        new Shape(1, 8, 8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void gradientsDoNotDependOnAGarbageCollectionBeforeTheBackwardPass(
            String name, Architecture architecture, Shape example) {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = architecture.build(example, example);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(example), new Shape(1));
            NDArray x = manager.randomNormal(new Shape(4).addAll(example));
            NDArray c = manager.randomUniform(-3f, 3f, new Shape(4));

            float[] expected = inputGradient(block, manager, x, c, false);
            for (int repeat = 0; repeat < 3; repeat++) {
                // Exact equality: the same computation on the same inputs, one thread, no randomness.
                assertThat(inputGradient(block, manager, x, c, true)).containsExactly(expected);
            }
        }
    }

    /** The gradient of sum(F(x, c)^2) with respect to x, with or without a collection before backward. */
    private static float[] inputGradient(Block block, NDManager manager, NDArray x, NDArray c, boolean collect) {
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray input = x.duplicate();
            input.attach(step);
            input.setRequiresGradient(true);
            NDArray y = block.forward(new ParameterStore(manager, false), new NDList(input, c), true)
                    .singletonOrThrow();
            if (collect) {
                System.gc();
            }
            collector.backward(y.square().sum());
            return input.getGradient().toFloatArray();
        }
    }
}
