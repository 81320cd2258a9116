package io.scorelab.plugins.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.Options;

/**
 * A 2-D data set known only through its sampler, x = f(u) + noise z with z ~ N(0, I): the subclass draws
 * f(u) on the device in a scope that is closed once the batch has moved to the caller's manager.
 */
abstract class PlanarToy implements Dataset {

    @Override
    public final Shape exampleShape() {
        return new Shape(2);
    }

    @Override
    public final NDArray sample(NDManager manager, int n) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = draw(scope, n);
            x.attach(manager);
            return x;
        }
    }

    /** @return n points of shape (n, 2), float32, made in {@code scope} */
    abstract NDArray draw(NDManager scope, int n);

    /** @return x + noise z, z ~ N(0, I) drawn on the device (x itself when noise is 0) */
    static NDArray withNoise(NDArray x, double noise) {
        if (noise == 0) {
            return x;
        }
        return x.add(x.getManager().randomNormal(0f, (float) noise, x.getShape(), DataType.FLOAT32));
    }

    /** @return the number at {@code key}, which must be finite and at least 0 */
    static double nonNegative(Options options, String key) {
        double value = options.getDouble(key);
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw options.invalid(key, "a number >= 0");
        }
        return value;
    }
}
