package io.scorelab.plugins.schedules;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.SampleNoise;

/** The isotropic Gaussian prior N(0, s^2 I) that every schedule here ends in. */
final class GaussianPrior {

    private GaussianPrior() {}

    /** @return s z in float32, z the next draw of the per-sample noise */
    static NDArray sample(NDManager manager, Shape shape, double std, SampleNoise noise) {
        try (NDArray z = noise.normal(manager, shape, DataType.FLOAT32)) {
            return z.mul(std);
        }
    }

    /** log N(x; 0, s^2 I) = -||x||^2 / (2 s^2) - (d / 2) ln(2 pi s^2), per example. */
    static NDArray logDensity(NDArray x, double std) {
        long n = x.getShape().get(0);
        long d = x.getShape().size() / n;
        NDArray squared = x.square().reshape(n, -1).sum(new int[] {1});
        return squared.div(-2 * std * std).sub(0.5 * d * Math.log(2 * Math.PI * std * std));
    }

    /** Decreasing times from 1 to {@code tEps}: linspace(1, t_eps, steps). */
    static double[] linspace(double tEps, int steps) {
        double[] times = new double[steps];
        for (int i = 0; i < steps; i++) {
            times[i] = steps == 1 ? 1.0 : 1.0 + (tEps - 1.0) * i / (steps - 1);
        }
        if (steps > 1) {
            times[steps - 1] = tEps; // exactly, not 1 + (t_eps - 1)
        }
        return times;
    }
}
