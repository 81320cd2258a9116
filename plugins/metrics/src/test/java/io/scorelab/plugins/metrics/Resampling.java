package io.scorelab.plugins.metrics;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/** Bootstrap replicates by brute force, on the host, for checking the metrics' standard errors. */
final class Resampling {

    private Resampling() {}

    /** @return {@link Bootstrap#counts} drawn now, as counts[r][i] = multiplicity of row i in replicate r */
    static double[][] counts(NDManager manager, int n, int replicates) {
        double[] flat = Bootstrap.counts(manager, n, replicates).toDoubleArray();
        double[][] counts = new double[replicates][n];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < replicates; r++) {
                counts[r][i] = flat[i * replicates + r];
            }
        }
        return counts;
    }

    /** @return the rows, each repeated as often as its count says */
    static double[][] resample(double[][] rows, double[] counts) {
        List<double[]> drawn = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            for (int c = 0; c < counts[i]; c++) {
                drawn.add(rows[i]);
            }
        }
        return drawn.toArray(new double[0][]);
    }

    static double distance(double[] a, double[] b) {
        return Math.sqrt(squaredDistance(a, b));
    }

    static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return sum;
    }

    /** @return the sample standard deviation, denominator B - 1 */
    static double standardDeviation(double[] values) {
        double mean = 0;
        for (double value : values) {
            mean += value / values.length;
        }
        double squares = 0;
        for (double value : values) {
            squares += (value - mean) * (value - mean);
        }
        return Math.sqrt(squares / (values.length - 1));
    }
}
