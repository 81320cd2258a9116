package io.scorelab.plugins.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.AnalyticDensity;
import io.scorelab.api.Dataset;
import io.scorelab.api.Modes;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.util.List;
import java.util.Optional;

/**
 * A mixture of K isotropic Gaussians whose means lie evenly on a circle,
 *
 * <pre>
 *   p_0(x) = sum_k w_k N(x; mu_k, std^2 I),   mu_k = radius (cos 2 pi k / K, sin 2 pi k / K),
 * </pre>
 *
 * the standard 2-D test of mode coverage. Its Gaussian-noised marginals are mixtures too,
 * p_sigma(x) = sum_k w_k N(x; mu_k, (std^2 + sigma^2) I), so {@link #density()} gives their
 * log-density and score in closed form and {@link #modes()} gives the means and weights.
 */
public final class GaussianMixtureDataset implements Dataset {

    private final double[][] means;
    private final double[] weights;
    private final double std;
    private final float[][] floatMeans;
    private final float[] boundaries;

    @Inject
    GaussianMixtureDataset(@Named("dataset") Options options) {
        this(options.positiveInt("modes"), options.positiveDouble("radius"), options.positiveDouble("std"),
                readWeights(options));
    }

    /**
     * @param modes the number of components K, at least 1
     * @param radius the distance of every mean from the origin, positive
     * @param std the standard deviation of each component, positive
     * @param weights the unnormalized mixture weights: empty for uniform, else K positive numbers
     */
    public GaussianMixtureDataset(int modes, double radius, double std, double[] weights) {
        if (!(modes >= 1 && radius > 0 && std > 0 && Double.isFinite(radius) && Double.isFinite(std))) {
            throw new ScorelabException("gmm needs modes >= 1, radius > 0 and std > 0, got modes = " + modes
                    + ", radius = " + radius + ", std = " + std);
        }
        if (weights.length != 0 && weights.length != modes) {
            throw new ScorelabException("gmm has " + modes + " modes but " + weights.length + " weights");
        }
        this.means = new double[modes][];
        for (int k = 0; k < modes; k++) {
            double angle = 2 * Math.PI * k / modes;
            means[k] = new double[] {radius * Math.cos(angle), radius * Math.sin(angle)};
        }
        this.weights = normalized(weights, modes);
        this.std = std;
        this.floatMeans = new float[modes][];
        for (int k = 0; k < modes; k++) {
            floatMeans[k] = new float[] {(float) means[k][0], (float) means[k][1]};
        }
        this.boundaries = new float[modes - 1];
        double cumulative = 0;
        for (int k = 0; k < modes - 1; k++) {
            cumulative += this.weights[k];
            boundaries[k] = (float) cumulative;
        }
    }

    private static double[] readWeights(Options options) {
        int modes = options.positiveInt("modes");
        List<Double> values = options.getDoubleList("weights");
        if (!values.isEmpty() && values.size() != modes) {
            throw options.invalid("weights", "[] (uniform) or a list of " + modes + " numbers, one per mode");
        }
        for (double value : values) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw options.invalid("weights", "positive, finite numbers");
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] normalized(double[] weights, int modes) {
        double[] result = new double[modes];
        double sum = 0;
        for (int k = 0; k < modes; k++) {
            result[k] = weights.length == 0 ? 1.0 : weights[k];
            if (!(result[k] > 0) || Double.isInfinite(result[k])) {
                throw new ScorelabException("gmm weights must be positive and finite, got " + result[k]);
            }
            sum += result[k];
        }
        for (int k = 0; k < modes; k++) {
            result[k] /= sum;
        }
        return result;
    }

    @Override
    public Shape exampleShape() {
        return new Shape(2);
    }

    /**
     * Draws the component of each example by inverting the cumulative weights C_k = w_0 + ... + w_k
     * at a uniform u, k = #{j &lt; K - 1 : u &gt;= C_j}, then x = mu_k + std z; all on the device.
     */
    @Override
    public NDArray sample(NDManager manager, int n) {
        int modes = weights.length;
        try (NDManager scope = manager.newSubManager()) {
            NDArray u = scope.randomUniform(0f, 1f, new Shape(n, 1), DataType.FLOAT32);
            NDArray component = u.gte(scope.create(boundaries, new Shape(1, modes - 1))).sum(new int[] {1});
            NDArray mean = component.oneHot(modes, DataType.FLOAT32).matMul(scope.create(floatMeans));
            NDArray x = mean.add(scope.randomNormal(0f, (float) std, new Shape(n, 2), DataType.FLOAT32));
            x.attach(manager);
            return x;
        }
    }

    @Override
    public Optional<AnalyticDensity> density() {
        return Optional.of(new MixtureDensity(means, weights, std));
    }

    @Override
    public Optional<Modes> modes() {
        double[][] copy = new double[means.length][];
        for (int k = 0; k < means.length; k++) {
            copy[k] = means[k].clone();
        }
        return Optional.of(new Modes(copy, weights.clone()));
    }
}
