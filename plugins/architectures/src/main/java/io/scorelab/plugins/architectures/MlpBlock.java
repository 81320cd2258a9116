package io.scorelab.plugins.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/** The block of {@link MlpArchitecture}: inputs (x of shape (n, in...), c of shape (n)). */
final class MlpBlock extends NoiseConditionalBlock {

    private final int width;
    private final Nonlinearity activation;
    private final int embeddingDim;
    private final List<Linear> hidden = new ArrayList<>();
    private final Linear output;

    MlpBlock(Shape inputShape, Shape outputShape, int width, int depth, Nonlinearity activation, int embeddingDim) {
        super("mlp", inputShape, outputShape);
        this.width = width;
        this.activation = activation;
        this.embeddingDim = embeddingDim;
        for (int l = 0; l < depth; l++) {
            hidden.add(addChildBlock("hidden" + l, Linear.builder().setUnits(width).build()));
        }
        output = addChildBlock("output", Linear.builder().setUnits(outputShape.size()).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        long n = x.getShape().get(0);
        NDArray e = NoiseEmbedding.sinusoidal(inputs.get(1), embeddingDim);
        NDArray h = x.reshape(n, inputShape.size()).concat(e, 1);
        for (Linear layer : hidden) {
            h = activation.apply(apply(layer, parameterStore, h, training));
        }
        NDArray y = apply(output, parameterStore, h, training);
        return new NDList(y.reshape(new Shape(n).addAll(outputShape)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        checkInput(x);
        long n = x.get(0);
        Shape features = new Shape(n, inputShape.size() + embeddingDim);
        for (Linear layer : hidden) {
            layer.initialize(manager, dataType, features);
            features = new Shape(n, width);
        }
        output.initialize(manager, dataType, features);
    }
}
