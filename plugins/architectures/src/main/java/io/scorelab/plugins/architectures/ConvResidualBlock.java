package io.scorelab.plugins.architectures;

import static io.scorelab.plugins.architectures.NoiseConditionalBlock.apply;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The residual block of {@link UNetArchitecture}, inputs (h of shape (n, C_in, H, W), t of shape (n, T)):
 *
 * <pre>
 *   u   = conv_1(silu(GN_1(h))) + P t,           (P t broadcast over positions)
 *   out = skip(h) + conv_2(silu(GN_2(u))),       skip = 1x1 conv if C_in != C_out, else identity,
 * </pre>
 *
 * with 3x3 convolutions of padding 1 that keep the H x W size, and t the activated time embedding.
 */
final class ConvResidualBlock extends AbstractBlock {

    private final int outChannels;
    private final GroupNorm firstNorm;
    private final Conv2d firstConv;
    private final Linear projection;
    private final GroupNorm secondNorm;
    private final Conv2d secondConv;
    private final Conv2d skip;

    ConvResidualBlock(int inChannels, int outChannels, int groups) {
        this.outChannels = outChannels;
        this.firstNorm = addChildBlock("norm1", new GroupNorm(groups, inChannels));
        this.firstConv = addChildBlock("conv1", conv3x3(outChannels));
        this.projection = addChildBlock("embedding", Linear.builder().setUnits(outChannels).build());
        this.secondNorm = addChildBlock("norm2", new GroupNorm(groups, outChannels));
        this.secondConv = addChildBlock("conv2", conv3x3(outChannels));
        this.skip = inChannels == outChannels ? null : addChildBlock("skip", Conv2d.builder()
                .setKernelShape(new Shape(1, 1)).setFilters(outChannels).build());
    }

    /** A 3x3 convolution with padding 1 (the size-preserving one) to {@code filters} channels. */
    static Conv2d conv3x3(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = inputs.get(0);
        NDArray t = inputs.get(1);
        NDArray u = apply(firstNorm, parameterStore, h, training);
        u = apply(firstConv, parameterStore, Nonlinearity.silu(u), training);
        u = u.add(apply(projection, parameterStore, t, training).reshape(-1, outChannels, 1, 1));
        u = apply(secondNorm, parameterStore, u, training);
        u = apply(secondConv, parameterStore, Nonlinearity.silu(u), training);
        NDArray shortcut = skip == null ? h : apply(skip, parameterStore, h, training);
        return new NDList(shortcut.add(u));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape h = inputShapes[0];
        return new Shape[] {new Shape(h.get(0), outChannels, h.get(2), h.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape h = inputShapes[0];
        Shape u = getOutputShapes(inputShapes)[0];
        firstNorm.initialize(manager, dataType, h);
        firstConv.initialize(manager, dataType, h);
        projection.initialize(manager, dataType, inputShapes[1]);
        secondNorm.initialize(manager, dataType, u);
        secondConv.initialize(manager, dataType, u);
        if (skip != null) {
            skip.initialize(manager, dataType, h);
        }
    }
}
