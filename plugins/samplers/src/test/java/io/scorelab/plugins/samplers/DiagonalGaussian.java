package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;

/**
 * Test data N(mu, diag(v)) with its exact noised score: x_t = alpha x_0 + sigma z is N(alpha mu,
 * diag(alpha^2 v + sigma^2)), so s(x, t) = -(x - alpha mu) / (alpha^2 v + sigma^2), for every schedule and
 * time, in x's type (float64 states keep float64 precision).
 */
record DiagonalGaussian(double[] mean, double[] variance) implements Dataset {

    int dimension() {
        return mean.length;
    }

    @Override
    public Shape exampleShape() {
        return new Shape(mean.length);
    }

    @Override
    public NDArray sample(NDManager manager, int n) {
        NDArray z = manager.randomNormal(0f, 1f, new Shape(n, mean.length), DataType.FLOAT32);
        NDArray std = manager.create(variance).sqrt().toType(z.getDataType(), false);
        return z.mul(std).add(manager.create(mean).toType(z.getDataType(), false));
    }

    /** @return the exact score of the data noised by the schedule */
    ScoreFunction score(NoiseSchedule schedule) {
        return (x, t) -> {
            NDManager manager = x.getManager();
            long n = x.getShape().get(0);
            NDArray alpha = schedule.alpha(t).toType(x.getDataType(), false).reshape(n, 1);
            NDArray sigma = schedule.sigma(t).toType(x.getDataType(), false).reshape(n, 1);
            NDArray mu = manager.create(mean).toType(x.getDataType(), false).reshape(1, -1);
            NDArray v = manager.create(variance).toType(x.getDataType(), false).reshape(1, -1);
            NDArray total = alpha.square().mul(v).add(sigma.square());
            return x.reshape(n, -1).sub(alpha.mul(mu)).div(total).neg().reshape(x.getShape());
        };
    }

    /** @return log N(x; mu, diag(v)) of one point */
    double logDensity(double[] x) {
        double sum = 0;
        for (int j = 0; j < mean.length; j++) {
            double r = x[j] - mean[j];
            sum += -0.5 * Math.log(2 * Math.PI * variance[j]) - r * r / (2 * variance[j]);
        }
        return sum;
    }
}
