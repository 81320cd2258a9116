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
 * The 2-D swiss roll (scikit-learn's make_swiss_roll seen from above), a spiral of one and a half turns
 * scaled so that its outer end lies at the given radius: with t ~ U(3 pi / 2, 9 pi / 2),
 *
 * <pre>
 *   x = radius t / (9 pi / 2) (cos t, sin t) + noise z,   z ~ N(0, I),
 * </pre>
 *
 * so the distance from the origin grows linearly from radius / 3 to radius. Sample only.
 */
public final class SwissRollDataset extends PlanarToy {

    private static final double T_MIN = 1.5 * Math.PI;
    private static final double T_MAX = 4.5 * Math.PI;

    private final double radius;
    private final double noise;

    @Inject
    SwissRollDataset(@Named("dataset") Options options) {
        this(options.positiveDouble("radius"), nonNegative(options, "noise"));
    }

    /**
     * @param radius the distance of the outer end of the spiral from the origin, positive
     * @param noise the standard deviation of the Gaussian noise, at least 0
     */
    public SwissRollDataset(double radius, double noise) {
        if (!(radius > 0 && noise >= 0 && Double.isFinite(radius) && Double.isFinite(noise))) {
            throw new ScorelabException("swissroll needs radius > 0 and noise >= 0, got radius = " + radius
                    + ", noise = " + noise);
        }
        this.radius = radius;
        this.noise = noise;
    }

    @Override
    NDArray draw(NDManager scope, int n) {
        NDArray t = scope.randomUniform((float) T_MIN, (float) T_MAX, new Shape(n), DataType.FLOAT32);
        NDArray r = t.mul(radius / T_MAX);
        return withNoise(NDArrays.stack(new NDList(r.mul(t.cos()), r.mul(t.sin())), 1), noise);
    }
}
