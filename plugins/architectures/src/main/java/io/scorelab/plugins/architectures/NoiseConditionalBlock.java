package io.scorelab.plugins.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * What the networks of this plugin share: the {@link io.scorelab.api.Architecture} contract F(x,
 * c_noise) from inputs (x of shape (n, in...), c of shape (n)) to an output of shape (n, out...), and
 * the check that x has the shape the network was built for.
 */
abstract class NoiseConditionalBlock extends AbstractBlock {

    private final String family;
    final Shape inputShape;
    final Shape outputShape;

    /**
     * @param family the architecture's name, for messages
     * @param inputShape the shape of one example x
     * @param outputShape the shape of one output (x's, or (1) for an energy)
     */
    NoiseConditionalBlock(String family, Shape inputShape, Shape outputShape) {
        this.family = family;
        this.inputShape = inputShape;
        this.outputShape = outputShape;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0)).addAll(outputShape)};
    }

    /** @throws IllegalArgumentException unless x has the shape the network was built for */
    void checkInput(Shape x) {
        if (!x.slice(1).equals(inputShape)) {
            throw new IllegalArgumentException(
                    family + " built for examples of shape " + inputShape + " was given inputs of shape " + x);
        }
    }

    /** @return the single output of a child layer on a single input */
    static NDArray apply(Block layer, ParameterStore parameterStore, NDArray input, boolean training) {
        return layer.forward(parameterStore, new NDList(input), training).singletonOrThrow();
    }
}
