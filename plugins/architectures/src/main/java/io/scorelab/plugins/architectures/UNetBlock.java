package io.scorelab.plugins.architectures;

import static io.scorelab.plugins.architectures.Nonlinearity.silu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/** The block of {@link UNetArchitecture}: inputs (x of shape (n, c, h, w), c_noise of shape (n)). */
final class UNetBlock extends NoiseConditionalBlock {

    private final boolean energy;
    private final int[] levelChannels;
    private final NoiseEmbedding embedding;
    private final Linear embeddingHidden;
    private final Linear embeddingOutput;
    private final Conv2d inputConv;
    private final List<List<ConvResidualBlock>> down = new ArrayList<>();
    private final List<Conv2d> downsample = new ArrayList<>();
    private final SelfAttention attention;
    private final List<Conv2d> upsample = new ArrayList<>();
    private final List<List<ConvResidualBlock>> up = new ArrayList<>();
    private final GroupNorm outputNorm;
    private final Block output;

    UNetBlock(
            Shape inputShape,
            Shape outputShape,
            int[] levelChannels,
            int resBlocks,
            boolean attention,
            int groups,
            NoiseEmbedding embedding) {
        super("unet", inputShape, outputShape);
        this.energy = !outputShape.equals(inputShape);
        this.levelChannels = levelChannels.clone();
        int levels = levelChannels.length;
        int timeUnits = 4 * levelChannels[0];
        this.embedding = addChildBlock("embedding", embedding);
        this.embeddingHidden = addChildBlock("embedding_hidden", Linear.builder().setUnits(timeUnits).build());
        this.embeddingOutput = addChildBlock("embedding_output", Linear.builder().setUnits(timeUnits).build());
        this.inputConv = addChildBlock("input", ConvResidualBlock.conv3x3(levelChannels[0]));
        int channels = levelChannels[0];
        for (int i = 0; i < levels; i++) {
            List<ConvResidualBlock> level = new ArrayList<>();
            for (int r = 0; r < resBlocks; r++) {
                level.add(addChildBlock("down" + i + "_" + r,
                        new ConvResidualBlock(channels, levelChannels[i], groups)));
                channels = levelChannels[i];
            }
            down.add(level);
            if (i < levels - 1) {
                downsample.add(addChildBlock("downsample" + i, Conv2d.builder()
                        .setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2)).optPadding(new Shape(1, 1))
                        .setFilters(channels).build()));
            }
        }
        this.attention = attention
                ? addChildBlock("attention", new SelfAttention(levelChannels[levels - 1], groups))
                : null;
        for (int i = levels - 2; i >= 0; i--) {
            upsample.add(0, addChildBlock("upsample" + i, ConvResidualBlock.conv3x3(levelChannels[i])));
            List<ConvResidualBlock> level = new ArrayList<>();
            for (int r = 0; r < resBlocks; r++) {
                int in = r == 0 ? 2 * levelChannels[i] : levelChannels[i];
                level.add(addChildBlock("up" + i + "_" + r, new ConvResidualBlock(in, levelChannels[i], groups)));
            }
            up.add(0, level);
        }
        this.outputNorm = addChildBlock("output_norm", new GroupNorm(groups, levelChannels[0]));
        this.output = addChildBlock("output", energy
                ? Linear.builder().setUnits(1).build()
                : ConvResidualBlock.conv3x3((int) inputShape.get(0)));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray e = apply(embedding, parameterStore, inputs.get(1), training);
        NDArray t = silu(apply(embeddingOutput, parameterStore,
                silu(apply(embeddingHidden, parameterStore, e, training)), training));
        NDArray h = apply(inputConv, parameterStore, inputs.get(0), training);
        List<NDArray> skips = new ArrayList<>();
        for (int i = 0; i < levelChannels.length; i++) {
            for (ConvResidualBlock block : down.get(i)) {
                h = block.forward(parameterStore, new NDList(h, t), training).singletonOrThrow();
            }
            if (i < levelChannels.length - 1) {
                skips.add(h);
                h = apply(downsample.get(i), parameterStore, h, training);
            }
        }
        if (attention != null) {
            h = apply(attention, parameterStore, h, training);
        }
        for (int i = levelChannels.length - 2; i >= 0; i--) {
            NDArray skip = skips.get(i);
            NDArray doubled = nearestDoubled(h, skip.getShape().get(2), skip.getShape().get(3));
            h = apply(upsample.get(i), parameterStore, doubled, training).concat(skip, 1);
            for (ConvResidualBlock block : up.get(i)) {
                h = block.forward(parameterStore, new NDList(h, t), training).singletonOrThrow();
            }
        }
        h = silu(apply(outputNorm, parameterStore, h, training));
        if (energy) {
            h = h.reshape(h.getShape().get(0), levelChannels[0], -1).mean(new int[] {2});
        }
        return new NDList(apply(output, parameterStore, h, training));
    }

    /** Nearest-neighbour upsampling of h (n, C, H, W) by 2, cropped to its first rows x cols (2H or 2H - 1). */
    private static NDArray nearestDoubled(NDArray h, long rows, long cols) {
        return h.repeat(2, 2).repeat(3, 2).get(new NDIndex(":, :, :{}, :{}", rows, cols));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        checkInput(x);
        long n = x.get(0);
        embedding.initialize(manager, dataType, inputShapes[1]);
        embeddingHidden.initialize(manager, dataType, embedding.getOutputShapes(new Shape[] {inputShapes[1]}));
        Shape t = embeddingHidden.getOutputShapes(embedding.getOutputShapes(new Shape[] {inputShapes[1]}))[0];
        embeddingOutput.initialize(manager, dataType, t);
        Shape h = initialized(inputConv, manager, dataType, x);
        List<Shape> skips = new ArrayList<>();
        for (int i = 0; i < levelChannels.length; i++) {
            for (ConvResidualBlock block : down.get(i)) {
                h = initialized(block, manager, dataType, h, t);
            }
            if (i < levelChannels.length - 1) {
                skips.add(h);
                h = initialized(downsample.get(i), manager, dataType, h);
            }
        }
        if (attention != null) {
            h = initialized(attention, manager, dataType, h);
        }
        for (int i = levelChannels.length - 2; i >= 0; i--) {
            Shape skip = skips.get(i);
            h = initialized(upsample.get(i), manager, dataType, new Shape(n, h.get(1), skip.get(2), skip.get(3)));
            h = new Shape(n, h.get(1) + skip.get(1), skip.get(2), skip.get(3));
            for (ConvResidualBlock block : up.get(i)) {
                h = initialized(block, manager, dataType, h, t);
            }
        }
        outputNorm.initialize(manager, dataType, h);
        output.initialize(manager, dataType, energy ? new Shape(n, h.get(1)) : h);
    }

    /** Initializes {@code block} for {@code inputs} and returns the shape of its (first) output. */
    private static Shape initialized(Block block, NDManager manager, DataType dataType, Shape... inputs) {
        block.initialize(manager, dataType, inputs);
        return block.getOutputShapes(inputs)[0];
    }
}
