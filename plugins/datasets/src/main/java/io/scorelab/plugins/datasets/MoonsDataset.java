package io.scorelab.plugins.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;

/**
 * Two interleaving half circles (scikit-learn's make_moons), centred and scaled: with b ~ U{0, 1} the
 * moon, t ~ U(0, pi) and s = 1 - 2 b,
 *
 * <pre>
 *   m = (b + s cos t, s sin t + b / 2),   x = scale (m - (1/2, 1/4) + noise z),   z ~ N(0, I).
 * </pre>
 *
 * b = 0 is the upper moon (cos t, sin t), b = 1 the lower one (1 - cos t, 1/2 - sin t); subtracting
 * their mean (1/2, 1/4) centres the data at 0. scale = 2, noise = 0.1 is FFJORD's "moons". Sample only.
 */
public final class MoonsDataset extends PlanarToy {

    private final double scale;
    private final double noise;

    @Inject
    MoonsDataset(@Named("dataset") Options options) {
        this(options.positiveDouble("scale"), nonNegative(options, "noise"));
    }

    /**
     * @param scale the factor applied after centring, positive
     * @param noise the standard deviation of the Gaussian noise before scaling, at least 0
     */
    public MoonsDataset(double scale, double noise) {
        if (!(scale > 0 && noise >= 0 && Double.isFinite(scale) && Double.isFinite(noise))) {
            throw new ScorelabException("moons needs scale > 0 and noise >= 0, got scale = " + scale + ", noise = " + noise);
        }
        this.scale = scale;
        this.noise = noise;
    }

    @Override
    NDArray draw(NDManager scope, int n) {
        NDArray b = scope.randomInteger(0, 2, new Shape(n), DataType.INT64).toType(DataType.FLOAT32, false);
        NDArray s = b.mul(-2).add(1);
        NDArray t = scope.randomUniform(0f, (float) Math.PI, new Shape(n), DataType.FLOAT32);
        NDArray m = NDArrays.stack(new NDList(s.mul(t.cos()).add(b).sub(0.5), s.mul(t.sin()).add(b.div(2)).sub(0.25)), 1);
        return withNoise(m, noise).mul(scale);
    }
}
