package io.scorelab.plugins.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.ImageData;
import java.util.Optional;

/** Small data sets whose distributions the metric tests know exactly. */
final class ToyData {

    private ToyData() {}

    /** @return a data set that always returns the same points, and only as many as it has */
    static Dataset fixed(double[][] points) {
        return new Dataset() {
            @Override
            public Shape exampleShape() {
                return new Shape(points[0].length);
            }

            @Override
            public NDArray sample(NDManager manager, int n) {
                assertThat(n).isEqualTo(points.length);
                return manager.create(points).toType(DataType.FLOAT32, false);
            }
        };
    }

    /** @return N(mean, sd^2 I) in d dimensions, mean the same in every coordinate */
    static Dataset normal(int d, float mean, float sd) {
        return new Dataset() {
            @Override
            public Shape exampleShape() {
                return new Shape(d);
            }

            @Override
            public NDArray sample(NDManager manager, int n) {
                return manager.randomNormal(mean, sd, new Shape(n, d), DataType.FLOAT32);
            }
        };
    }

    /**
     * @return images of shape (1, 4, 4) with pixels uniform in [-1, 1]: fresh ones each draw, or, for a
     *     pool, draws with replacement from the given images
     */
    static Dataset noiseImages(NDArray pool) {
        return new Dataset() {
            @Override
            public Shape exampleShape() {
                return new Shape(1, 4, 4);
            }

            @Override
            public NDArray sample(NDManager manager, int n) {
                if (pool == null) {
                    return manager.randomUniform(-1f, 1f, new Shape(n, 1, 4, 4), DataType.FLOAT32);
                }
                NDArray index = manager.randomInteger(0, pool.getShape().get(0), new Shape(n), DataType.INT64);
                return pool.get(manager, new NDIndex("{}", index));
            }

            @Override
            public Optional<ImageData> images() {
                return Optional.of(new ImageData() {
                    @Override
                    public NDArray toUnitRange(NDArray x) {
                        return x.add(1).div(2).clip(0, 1);
                    }

                    @Override
                    public double rangeWidth() {
                        return 2;
                    }

                    @Override
                    public boolean logit() {
                        return false;
                    }
                });
            }
        };
    }
}
