package io.scorelab.plugins.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Single-head self-attention over the H W positions of a feature map x of shape (n, C, H, W), with
 * a residual connection:
 *
 * <pre>
 *   [Q, K, V] = GN(x) W_qkv + b_qkv             (rows: positions; Q, K, V of shape (H W, C) per example),
 *   out = x + softmax(Q K^T / sqrt(C)) V W_o + b_o.
 * </pre>
 */
final class SelfAttention extends AbstractBlock {

    private final int channels;
    private final GroupNorm norm;
    private final Linear queryKeyValue;
    private final Linear output;

    SelfAttention(int channels, int groups) {
        this.channels = channels;
        this.norm = addChildBlock("norm", new GroupNorm(groups, channels));
        this.queryKeyValue = addChildBlock("qkv", Linear.builder().setUnits(3L * channels).build());
        this.output = addChildBlock("output", Linear.builder().setUnits(channels).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        NDArray tokens = NoiseConditionalBlock.apply(norm, parameterStore, x, training)
                .reshape(shape.get(0), channels, -1)
                .transpose(0, 2, 1);
        NDList qkv = NoiseConditionalBlock.apply(queryKeyValue, parameterStore, tokens, training).split(3, 2);
        // The scale is made by the engine (not x.div(Number), whose scalar lives in a Java buffer that
        // autograd keeps for the backward pass and the garbage collector may free first: see Nonlinearity.silu).
        NDArray scale = x.getManager().full(new Shape(), (float) (1 / Math.sqrt(channels)));
        NDArray weights = qkv.get(0).matMul(qkv.get(1).transpose(0, 2, 1)).mul(scale).softmax(2);
        NDArray attended = NoiseConditionalBlock.apply(output, parameterStore, weights.matMul(qkv.get(2)), training);
        return new NDList(x.add(attended.transpose(0, 2, 1).reshape(shape)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        Shape tokens = new Shape(x.get(0), x.get(2) * x.get(3), channels);
        norm.initialize(manager, dataType, x);
        queryKeyValue.initialize(manager, dataType, tokens);
        output.initialize(manager, dataType, tokens);
    }
}
