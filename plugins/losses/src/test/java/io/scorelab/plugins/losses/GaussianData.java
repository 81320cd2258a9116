package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.AnalyticDensity;
import io.scorelab.api.Dataset;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;
import java.util.Arrays;
import java.util.Optional;

/**
 * Test data N(0, c I) with examples of a given shape, and its exact density: noised at sigma it is
 * N(0, (c + sigma^2) I), with score -x / (c + sigma^2); along a schedule x_t ~ N(0, (alpha^2 c +
 * sigma^2) I).
 */
final class GaussianData implements Dataset {

    private final double variance;
    private final Shape example;

    GaussianData(double variance, Shape example) {
        this.variance = variance;
        this.example = example;
    }

    @Override
    public Shape exampleShape() {
        return example;
    }

    @Override
    public NDArray sample(NDManager manager, int n) {
        return manager.randomNormal(0f, (float) Math.sqrt(variance), new Shape(n).addAll(example), DataType.FLOAT32);
    }

    @Override
    public Optional<AnalyticDensity> density() {
        return Optional.of(new AnalyticDensity() {
            @Override
            public NDArray logDensity(NDArray x, NDArray sigma) {
                long n = x.getShape().get(0);
                NDArray v = widened(x, sigma).reshape(-1);
                NDArray squares = x.square().reshape(n, -1).sum(new int[] {1});
                return squares.div(v.mul(-2)).sub(v.mul(2 * Math.PI).log().mul(example.size() / 2.0));
            }

            @Override
            public NDArray score(NDArray x, NDArray sigma) {
                return x.div(widened(x, sigma)).neg();
            }
        });
    }

    /** @return c + sigma^2 shaped (n, 1, ..., 1) */
    private NDArray widened(NDArray x, NDArray sigma) {
        return column(sigma.square().add((float) variance), x);
    }

    /** The exact score -x / (alpha(t)^2 c + sigma(t)^2) of N(0, c I) noised along a schedule. */
    static ScoreFunction exactScore(NoiseSchedule schedule, double c) {
        return (x, t) -> x.div(column(schedule.alpha(t).square().mul((float) c).add(schedule.sigma(t).square()), x)).neg();
    }

    private static NDArray column(NDArray perExample, NDArray x) {
        long[] shape = new long[x.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = -1;
        return perExample.reshape(new Shape(shape));
    }
}
