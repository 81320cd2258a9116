package io.scorelab.plugins.architectures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import ai.djl.util.Pair;
import io.scorelab.api.ScorelabException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UNetArchitectureTest {

    private static final UNetArchitecture DEFAULTS =
            new UNetArchitecture(32, List.of(1, 2), 1, true, 8, "sinusoidal", 32, 16);
    private static final UNetArchitecture THREE_LEVELS =
            new UNetArchitecture(32, List.of(1, 2, 2), 1, true, 8, "sinusoidal", 32, 16);

    /**
     * Digits (8 x 8), MNIST (28 x 28: 28, 14, 7 at three levels, where 7 halves to 4 and doubles back to
     * 8, cropped to 7), CIFAR (3 x 32 x 32), and 9 x 9 (9, 5, 3: odd at every level).
     */
    @Test
    void outputHasTheRequestedShapeForImagesAndEnergies() {
        assertOutputShapes(DEFAULTS, new Shape(1, 8, 8));
        assertOutputShapes(DEFAULTS, new Shape(1, 28, 28));
        assertOutputShapes(THREE_LEVELS, new Shape(1, 28, 28));
        assertOutputShapes(DEFAULTS, new Shape(3, 32, 32));
        assertOutputShapes(THREE_LEVELS, new Shape(3, 9, 9));
    }

    private static void assertOutputShapes(UNetArchitecture architecture, Shape example) {
        assertOutputShape(architecture.build(example, example), example, example);
        assertOutputShape(architecture.build(example, new Shape(1)), example, new Shape(1));
    }

    private static void assertOutputShape(Block block, Shape in, Shape out) {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            int n = 2;
            Shape xShape = new Shape(n).addAll(in);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(in), new Shape(1));
            NDList inputs = new NDList(manager.randomNormal(xShape), manager.randomUniform(-3f, 3f, new Shape(n)));

            NDArray y = block.forward(new ParameterStore(manager, false), inputs, false).singletonOrThrow();

            Shape expected = new Shape(n).addAll(out);
            assertThat(y.getShape()).as("output for %s", in).isEqualTo(expected);
            assertThat(block.getOutputShapes(new Shape[] {xShape, new Shape(n)})).containsExactly(expected);
        }
    }

    @Test
    void refusesVectorsAndOtherOutputShapes() {
        assertThatThrownBy(() -> DEFAULTS.build(new Shape(2), new Shape(2)))
                .isInstanceOf(ScorelabException.class)
                .hasMessage("unet needs images of shape (channels, height, width); got examples of shape (2):"
                        + " use mlp or resmlp for vectors");
        assertThatThrownBy(() -> DEFAULTS.build(new Shape(1, 8, 8), new Shape(2)))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("got output shape (2)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sinusoidal", "fourier"})
    void outputDependsOnTheNoiseLevel(String embedding) {
        Engine.getInstance().setRandomSeed(2);
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape example = new Shape(1, 8, 8);
            Block block =
                    new UNetArchitecture(16, List.of(1, 2), 1, true, 4, embedding, 16, 16).build(example, example);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(example), new Shape(1));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(3).addAll(example));

            NDArray low = block.forward(store, new NDList(x, manager.full(new Shape(3), -1f)), false)
                    .singletonOrThrow();
            NDArray lowAgain = block.forward(store, new NDList(x, manager.full(new Shape(3), -1f)), false)
                    .singletonOrThrow();
            NDArray high = block.forward(store, new NDList(x, manager.full(new Shape(3), 1f)), false)
                    .singletonOrThrow();

            // The forward pass is deterministic, so only c can change the output.
            assertThat(lowAgain.toFloatArray()).containsExactly(low.toFloatArray());
            // Outputs are O(1) at initialization: a change above 1e-3 is far above float32 rounding
            // (~1e-7 relative) and can only come from the conditioning on c.
            assertThat(high.sub(low).abs().max().getFloat()).isGreaterThan(1e-3f);
        }
    }

    /** One forward and backward pass at 8 x 8 reaches every parameter, for both heads. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void gradientsReachEveryParameter(int energy) {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape example = new Shape(1, 8, 8);
            Block block = DEFAULTS.build(example, energy == 1 ? new Shape(1) : example);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(example), new Shape(1));
            NDList inputs = new NDList(
                    manager.randomNormal(new Shape(8).addAll(example)), manager.randomUniform(-3f, 3f, new Shape(8)));

            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = block.forward(new ParameterStore(manager, false), inputs, true).singletonOrThrow();
                collector.backward(y.square().mean());
            }

            // time MLP 4; input conv 2; down: residual block 32 -> 32 (GN 2, conv 2, projection 2, GN 2,
            // conv 2 = 10), stride-2 conv 2, residual block 32 -> 64 with a 1x1 skip (12); attention (GN 2,
            // qkv 2, output 2 = 6); up: conv 2, residual block 64 -> 32 (12); output GN 2 and conv or linear 2.
            assertThat(block.getParameters().size()).isEqualTo(4 + 2 + 10 + 2 + 12 + 6 + 2 + 12 + 4);
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                try (NDArray gradient = parameter.getValue().getArray().getGradient()) {
                    assertThat(gradient.abs().sum().getFloat()).as(parameter.getKey()).isPositive().isFinite();
                }
            }
        }
    }

    @Test
    void rejectsInvalidHyperparameters() {
        assertThatThrownBy(() -> new UNetArchitecture(12, List.of(1, 2), 1, true, 8, "sinusoidal", 32, 16))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("groups = 8");
        assertThatThrownBy(() -> new UNetArchitecture(32, List.of(), 1, true, 8, "sinusoidal", 32, 16))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("channel_mult = []");
        assertThatThrownBy(() -> new UNetArchitecture(32, List.of(1, 2), 0, true, 8, "sinusoidal", 32, 16))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("res_blocks = 0");
        assertThatThrownBy(() -> new UNetArchitecture(32, List.of(1, 2), 1, true, 8, "sinusoidal", 31, 16))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("embedding_dim = 31");
    }
}
