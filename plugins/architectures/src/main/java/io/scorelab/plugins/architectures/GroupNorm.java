package io.scorelab.plugins.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Group normalization (Wu and He 2018) of feature maps x of shape (n, C, H, W), which DJL lacks:
 *
 * <pre>
 *   y_{b,c,i,j} = gamma_c (x_{b,c,i,j} - mu_{b,g}) / sqrt(var_{b,g} + 1e-5) + beta_c,   g = group of channel c,
 * </pre>
 *
 * where the C channels fall into G consecutive groups of C / G and mu, var are the mean and the
 * (biased) variance of x over a group's channels and all positions. gamma starts at 1, beta at 0.
 */
final class GroupNorm extends AbstractBlock {

    private static final float EPSILON = 1e-5f;

    private final int groups;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;

    GroupNorm(int groups, int channels) {
        this.groups = groups;
        this.channels = channels;
        this.gamma = addParameter(Parameter.builder()
                .setName("gamma").setType(Parameter.Type.GAMMA).optShape(new Shape(channels)).build());
        this.beta = addParameter(Parameter.builder()
                .setName("beta").setType(Parameter.Type.BETA).optShape(new Shape(channels)).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        // The engine's fused layer normalization over each group's values, without its own affine map
        // (scale 1, shift 0 per value): one kernel forward and backward instead of seven element-wise ones.
        Shape groupShape = new Shape(grouped.getShape().get(2));
        NDManager manager = x.getManager();
        NDArray normalized = LayerNorm.layerNorm(
                        grouped, groupShape, manager.ones(groupShape), manager.zeros(groupShape), EPSILON)
                .singletonOrThrow()
                .reshape(shape);
        NDArray scale = parameterStore.getValue(gamma, x.getDevice(), training).reshape(1, channels, 1, 1);
        NDArray shift = parameterStore.getValue(beta, x.getDevice(), training).reshape(1, channels, 1, 1);
        return new NDList(normalized.mul(scale).add(shift));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
