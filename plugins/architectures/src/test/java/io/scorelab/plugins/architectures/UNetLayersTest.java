package io.scorelab.plugins.architectures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class UNetLayersTest {

    /**
     * x of shape (1, 2, 1, 2) with channel 0 = (1, 2) and channel 1 = (3, 4). One group: mean 2.5,
     * variance 1.25. Two groups: each channel alone, mean 1.5 or 3.5, variance 0.25, so +-0.5 / 0.5.
     */
    @Test
    void groupNormNormalizesEachGroupThenScalesAndShiftsEachChannel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 1, 2));
            double s = Math.sqrt(1.25 + 1e-5);
            // float32 arithmetic on values of order 1: rounding below 1e-6
            assertThat(groupNorm(manager, 1, x, 1, 0)).containsExactly(
                    new float[] {(float) (-1.5 / s), (float) (-0.5 / s), (float) (0.5 / s), (float) (1.5 / s)},
                    within(1e-6f));
            double t = 0.5 / Math.sqrt(0.25 + 1e-5);
            // gamma = (1, 2), beta = (0, 1): channel 1 becomes 2 (+-t) + 1
            assertThat(groupNorm(manager, 2, x, 2, 1)).containsExactly(
                    new float[] {(float) -t, (float) t, (float) (1 - 2 * t), (float) (1 + 2 * t)}, within(1e-6f));
        }
    }

    /** Group norm with gamma = (1, gamma1) and beta = (0, beta1) on two channels. */
    private static float[] groupNorm(NDManager manager, int groups, NDArray x, float gamma1, float beta1) {
        GroupNorm norm = new GroupNorm(groups, 2);
        norm.initialize(manager, DataType.FLOAT32, x.getShape());
        norm.getParameters().get("gamma").getArray().set(new NDIndex("1"), gamma1);
        norm.getParameters().get("beta").getArray().set(new NDIndex("1"), beta1);
        return norm.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow().toFloatArray();
    }

    /**
     * Attention over positions without positional information: permuting the H W positions of the
     * input permutes the output the same way, and changing one position changes the others.
     */
    @Test
    void selfAttentionMixesPositionsAndIsEquivariantToTheirOrder() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, 8, 2, 3);
            Block attention = new SelfAttention(8, 4);
            attention.initialize(manager, DataType.FLOAT32, shape);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(shape);
            NDArray order = manager.create(new int[] {4, 0, 5, 2, 1, 3});

            NDArray y = attention.forward(store, new NDList(x), false).singletonOrThrow();
            NDArray permuted = attention.forward(store, new NDList(permute(x, order)), false).singletonOrThrow();
            // float32 sums over 8 channels and 6 positions of O(1) terms: rounding of about 1e-6
            assertThat(permuted.toFloatArray()).containsExactly(permute(y, order).toFloatArray(), within(1e-5f));

            NDArray changed = x.duplicate();
            changed.set(new NDIndex(":, :, 0, 0"), 3f);
            NDArray z = attention.forward(store, new NDList(changed), false).singletonOrThrow();
            // Position (1, 2) of the input is unchanged; its output moves only through attention.
            float moved = z.get(":, :, 1, 2").sub(y.get(":, :, 1, 2")).abs().max().getFloat();
            assertThat(moved).isGreaterThan(1e-3f);
        }
    }

    /** x of shape (n, C, H, W) with its H W positions in the given order. */
    private static NDArray permute(NDArray x, NDArray order) {
        Shape shape = x.getShape();
        return x.reshape(shape.get(0), shape.get(1), -1).get(new NDIndex(":, :, {}", order)).reshape(shape);
    }
}
