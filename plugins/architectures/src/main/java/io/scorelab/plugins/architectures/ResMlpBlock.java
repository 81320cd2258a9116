package io.scorelab.plugins.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/** The block of {@link ResMlpArchitecture}: inputs (x of shape (n, in...), c of shape (n)). */
final class ResMlpBlock extends NoiseConditionalBlock {

    private final int width;
    private final Nonlinearity activation;
    private final NoiseEmbedding embedding;
    private final Linear embeddingLayer;
    private final Linear input;
    private final List<Residual> blocks = new ArrayList<>();
    private final LayerNorm outputNorm;
    private final Linear output;

    ResMlpBlock(
            Shape inputShape,
            Shape outputShape,
            int width,
            int blockCount,
            Nonlinearity activation,
            NoiseEmbedding embedding) {
        super("resmlp", inputShape, outputShape);
        this.width = width;
        this.activation = activation;
        this.embedding = addChildBlock("embedding", embedding);
        this.embeddingLayer = addChildBlock("embedding_layer", Linear.builder().setUnits(width).build());
        this.input = addChildBlock("input", Linear.builder().setUnits(width).build());
        for (int b = 0; b < blockCount; b++) {
            blocks.add(addChildBlock("block" + b, new Residual(width, activation)));
        }
        this.outputNorm = addChildBlock("output_norm", LayerNorm.builder().axis(1).build());
        this.output = addChildBlock("output", Linear.builder().setUnits(outputShape.size()).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        long n = x.getShape().get(0);
        NDArray e = apply(embedding, parameterStore, inputs.get(1), training);
        NDArray t = activation.apply(apply(embeddingLayer, parameterStore, e, training));
        NDArray h = apply(input, parameterStore, x.reshape(n, inputShape.size()), training);
        for (Residual block : blocks) {
            h = block.forward(parameterStore, new NDList(h, t), training).singletonOrThrow();
        }
        h = activation.apply(apply(outputNorm, parameterStore, h, training));
        NDArray y = apply(output, parameterStore, h, training);
        return new NDList(y.reshape(new Shape(n).addAll(outputShape)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        checkInput(x);
        long n = x.get(0);
        Shape features = new Shape(n, width);
        embedding.initialize(manager, dataType, inputShapes[1]);
        embeddingLayer.initialize(manager, dataType, embedding.getOutputShapes(new Shape[] {inputShapes[1]}));
        input.initialize(manager, dataType, new Shape(n, inputShape.size()));
        for (Residual block : blocks) {
            block.initialize(manager, dataType, features, features);
        }
        outputNorm.initialize(manager, dataType, features);
        output.initialize(manager, dataType, features);
    }

    /** One residual block, inputs (h, t) of shape (n, width): h + W_2 act(W_1 act(LN(h)) + b_1 + P t) + b_2. */
    static final class Residual extends AbstractBlock {

        private final Nonlinearity activation;
        private final LayerNorm norm;
        private final Linear first;
        private final Linear projection;
        private final Linear second;

        Residual(int width, Nonlinearity activation) {
            this.activation = activation;
            this.norm = addChildBlock("norm", LayerNorm.builder().axis(1).build());
            this.first = addChildBlock("first", Linear.builder().setUnits(width).build());
            this.projection = addChildBlock("embedding", Linear.builder().setUnits(width).optBias(false).build());
            this.second = addChildBlock("second", Linear.builder().setUnits(width).build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray h = inputs.get(0);
            NDArray u = apply(first, parameterStore, activation.apply(apply(norm, parameterStore, h, training)),
                    training);
            u = u.add(apply(projection, parameterStore, inputs.get(1), training));
            return new NDList(h.add(apply(second, parameterStore, activation.apply(u), training)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            norm.initialize(manager, dataType, inputShapes[0]);
            first.initialize(manager, dataType, inputShapes[0]);
            projection.initialize(manager, dataType, inputShapes[1]);
            second.initialize(manager, dataType, inputShapes[0]);
        }
    }
}
