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
 * Concentric rings: a ring k uniform on {1, ..., K}, an angle uniform on [0, 2 pi), and Gaussian noise,
 *
 * <pre>
 *   x = r_k (cos theta, sin theta) + noise z,   r_k = radius k / K,   z ~ N(0, I),
 * </pre>
 *
 * as FFJORD's "rings" (equally many points on every ring, so inner rings are denser). Sample only.
 */
public final class RingsDataset extends PlanarToy {

    private final int rings;
    private final double radius;
    private final double noise;

    @Inject
    RingsDataset(@Named("dataset") Options options) {
        this(options.positiveInt("rings"), options.positiveDouble("radius"), nonNegative(options, "noise"));
    }

    /**
     * @param rings the number of rings K, at least 1
     * @param radius the radius of the outermost ring, positive
     * @param noise the standard deviation of the Gaussian noise, at least 0
     */
    public RingsDataset(int rings, double radius, double noise) {
        if (!(rings >= 1 && radius > 0 && noise >= 0 && Double.isFinite(radius) && Double.isFinite(noise))) {
            throw new ScorelabException("rings needs rings >= 1, radius > 0 and noise >= 0, got rings = " + rings
                    + ", radius = " + radius + ", noise = " + noise);
        }
        this.rings = rings;
        this.radius = radius;
        this.noise = noise;
    }

    @Override
    NDArray draw(NDManager scope, int n) {
        NDArray r = scope.randomInteger(1, rings + 1, new Shape(n, 1), DataType.INT64).toType(DataType.FLOAT32, false)
                .mul(radius / rings);
        NDArray theta = scope.randomUniform(0f, (float) (2 * Math.PI), new Shape(n), DataType.FLOAT32);
        return withNoise(r.mul(NDArrays.stack(new NDList(theta.cos(), theta.sin()), 1)), noise);
    }
}
