package io.scorelab.plugins.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.scorelab.api.AnalyticDensity;
import io.scorelab.api.Dataset;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A Gaussian in any dimension d, the data set whose score is known exactly at every noise level:
 *
 * <pre>
 *   p_0 = N(mu, Sigma),   p_sigma = N(mu, Sigma + sigma^2 I),   x = mu + U diag(sqrt(lambda)) z,  z ~ N(0, I),
 * </pre>
 *
 * where Sigma = U diag(lambda) U^T is decomposed once, on the host, when the data set is made. Samplers
 * and likelihood estimators use it as their exact reference ({@link #mean()}, {@link #covariance()}).
 */
public final class GaussianDataset implements Dataset {

    /** Eigenvalues at or below this fraction of the largest make Sigma numerically singular. */
    private static final double SINGULAR = 1e-12;

    private final double[] mean;
    private final double[][] covariance;
    private final double[] eigenvalues;
    private final double[][] eigenvectors;
    private final float[] floatMean;
    private final float[][] factor;

    @Inject
    GaussianDataset(@Named("dataset") Options options) {
        this(readMean(options, options.positiveInt("dim")), readCovariance(options, options.positiveInt("dim")));
    }

    /**
     * @param mean mu, d finite numbers
     * @param covariance Sigma, a symmetric positive definite d x d matrix
     */
    public GaussianDataset(double[] mean, double[][] covariance) {
        for (double m : mean) {
            if (!Double.isFinite(m)) {
                throw new ScorelabException("gaussian: the mean must be finite, got " + Arrays.toString(mean));
            }
        }
        String defect = covarianceDefect(covariance, mean.length);
        if (defect != null) {
            throw new ScorelabException("gaussian: the covariance " + defect);
        }
        int d = mean.length;
        this.mean = mean.clone();
        this.covariance = symmetrized(covariance);
        SymmetricEigen eigen = SymmetricEigen.of(this.covariance);
        this.eigenvalues = eigen.values();
        this.eigenvectors = eigen.vectors();
        this.floatMean = new float[d];
        this.factor = new float[d][d];
        for (int i = 0; i < d; i++) {
            floatMean[i] = (float) mean[i];
            for (int k = 0; k < d; k++) {
                factor[k][i] = (float) (Math.sqrt(eigenvalues[k]) * eigenvectors[i][k]);
            }
        }
    }

    private static double[] readMean(Options options, int dim) {
        double[] mean = new double[dim];
        if (options.has("mean") && options.config().getValue("mean").valueType() == ConfigValueType.NUMBER) {
            Arrays.fill(mean, options.getDouble("mean"));
        } else {
            List<Double> values = options.getDoubleList("mean");
            if (values.size() != dim) {
                throw options.invalid("mean", "a number or a list of " + dim + " numbers (dim = " + dim + ")");
            }
            for (int i = 0; i < dim; i++) {
                mean[i] = values.get(i);
            }
        }
        for (double m : mean) {
            if (!Double.isFinite(m)) {
                throw options.invalid("mean", "finite numbers");
            }
        }
        return mean;
    }

    /** Reads a variance, a diagonal or a full matrix, and checks that it is a covariance of dimension dim. */
    private static double[][] readCovariance(Options options, int dim) {
        String expected = "a positive number (isotropic variance), a list of " + dim
                + " positive numbers (the diagonal) or " + dim + " lists of " + dim
                + " numbers (a symmetric positive definite matrix), for dim = " + dim;
        ConfigValue value = options.has("cov") ? options.config().getValue("cov") : null;
        double[][] covariance = new double[dim][dim];
        if (value != null && value.valueType() == ConfigValueType.NUMBER) {
            double variance = options.getDouble("cov");
            if (!(variance > 0)) {
                throw options.invalid("cov", expected);
            }
            for (int i = 0; i < dim; i++) {
                covariance[i][i] = variance;
            }
        } else if (value != null && value.valueType() == ConfigValueType.LIST && isMatrix((ConfigList) value)) {
            ConfigList rows = (ConfigList) value;
            if (rows.size() != dim) {
                throw options.invalid("cov", expected);
            }
            for (int i = 0; i < dim; i++) {
                double[] row = numbers((ConfigList) rows.get(i));
                if (row == null || row.length != dim) {
                    throw options.invalid("cov", expected);
                }
                covariance[i] = row;
            }
        } else if (value != null && value.valueType() == ConfigValueType.LIST) {
            double[] diagonal = numbers((ConfigList) value);
            if (diagonal == null || diagonal.length != dim || Arrays.stream(diagonal).anyMatch(v -> !(v > 0))) {
                throw options.invalid("cov", expected);
            }
            for (int i = 0; i < dim; i++) {
                covariance[i][i] = diagonal[i];
            }
        } else {
            throw options.invalid("cov", expected);
        }
        String defect = covarianceDefect(covariance, dim);
        if (defect != null) {
            throw options.invalid("cov", "a covariance matrix, but it " + defect);
        }
        return covariance;
    }

    private static boolean isMatrix(ConfigList list) {
        return !list.isEmpty() && list.stream().allMatch(row -> row.valueType() == ConfigValueType.LIST);
    }

    /** @return the numbers of the list, or null when an element is not a number */
    private static double[] numbers(ConfigList list) {
        double[] result = new double[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (list.get(i).valueType() != ConfigValueType.NUMBER) {
                return null;
            }
            result[i] = ((Number) list.get(i).unwrapped()).doubleValue();
        }
        return result;
    }

    /**
     * @return what keeps the matrix from being a d x d covariance (its shape, a non-finite entry, asymmetry
     *     beyond rounding, an eigenvalue not above {@value #SINGULAR} of the largest), or null when it is one
     */
    static String covarianceDefect(double[][] c, int d) {
        if (c.length != d) {
            return "has " + c.length + " rows but the mean has " + d + " entries";
        }
        double largest = 0;
        for (int i = 0; i < d; i++) {
            if (c[i].length != d) {
                return "row " + i + " has " + c[i].length + " entries, expected " + d;
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(c[i][j])) {
                    return "has a non-finite entry cov[" + i + "][" + j + "] = " + c[i][j];
                }
                largest = Math.max(largest, Math.abs(c[i][j]));
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                if (Math.abs(c[i][j] - c[j][i]) > 1e-12 * largest) {
                    return "is not symmetric: cov[" + i + "][" + j + "] = " + c[i][j] + " but cov[" + j + "][" + i
                            + "] = " + c[j][i];
                }
            }
        }
        double[] values = SymmetricEigen.of(symmetrized(c)).values();
        double max = Arrays.stream(values).max().orElseThrow();
        double min = Arrays.stream(values).min().orElseThrow();
        if (!(min > SINGULAR * max)) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return "is not positive definite: its smallest eigenvalue is " + (float) min + " (eigenvalues "
                    + Arrays.toString(toFloats(sorted)) + "; all must be above " + SINGULAR + " times the largest)";
        }
        return null;
    }

    private static float[] toFloats(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }

    /** @return (C + C^T) / 2, which removes the rounding-level asymmetry the check lets through */
    private static double[][] symmetrized(double[][] c) {
        double[][] result = new double[c.length][c.length];
        for (int i = 0; i < c.length; i++) {
            for (int j = 0; j < c.length; j++) {
                result[i][j] = (c[i][j] + c[j][i]) / 2;
            }
        }
        return result;
    }

    /** @return mu */
    public double[] mean() {
        return mean.clone();
    }

    /** @return Sigma */
    public double[][] covariance() {
        double[][] copy = new double[covariance.length][];
        for (int i = 0; i < covariance.length; i++) {
            copy[i] = covariance[i].clone();
        }
        return copy;
    }

    @Override
    public Shape exampleShape() {
        return new Shape(mean.length);
    }

    /** x = mu + U diag(sqrt(lambda)) z with z ~ N(0, I), on the device: rows z^T (diag(sqrt(lambda)) U^T) + mu^T. */
    @Override
    public NDArray sample(NDManager manager, int n) {
        int d = mean.length;
        try (NDManager scope = manager.newSubManager()) {
            NDArray z = scope.randomNormal(0f, 1f, new Shape(n, d), DataType.FLOAT32);
            NDArray x = z.matMul(scope.create(factor)).add(scope.create(floatMean, new Shape(1, d)));
            x.attach(manager);
            return x;
        }
    }

    @Override
    public Optional<AnalyticDensity> density() {
        return Optional.of(new GaussianDensity(mean, eigenvalues, eigenvectors));
    }
}
