package io.scorelab.plugins.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;

/**
 * The nonparametric bootstrap of a statistic T of the model samples and the data draw: B replicates T*_b,
 * each T recomputed on n rows drawn with replacement from each of the two sets, and the standard error
 *
 * <pre>
 *   SE = sqrt( 1/(B - 1) sum_b (T*_b - mean_b T*_b)^2 ).
 * </pre>
 *
 * Resampling indices are drawn on the device with the engine's generator.
 */
final class Bootstrap {

    private Bootstrap() {}

    /** @return the {@code bootstrap} option, the number of replicates B, at least 2 */
    static int replicates(Options options) {
        int replicates = options.getInt("bootstrap");
        if (replicates < 2) {
            throw options.invalid("bootstrap", "an integer >= 2 (the number of bootstrap replicates behind the _se)");
        }
        return replicates;
    }

    /** @throws ScorelabException unless there are at least 2 replicates */
    static int checked(String metric, int replicates) {
        if (replicates < 2) {
            throw new ScorelabException(metric + " needs bootstrap >= 2 replicates for its standard error, got "
                    + replicates);
        }
        return replicates;
    }

    /** @return indices of n rows drawn uniformly with replacement, shape (n), int64 */
    static NDArray indices(NDManager manager, int n) {
        return manager.randomInteger(0, n, new Shape(n), DataType.INT64);
    }

    /**
     * @param manager owns the result
     * @param n the number of rows
     * @param replicates B
     * @return the multiplicities of the rows in B resamples, (n, B) float64: column b counts how often each
     *     row is drawn among the n draws of {@link #indices} in replicate b (each column sums to n)
     */
    static NDArray counts(NDManager manager, int n, int replicates) {
        try (NDManager scope = manager.newSubManager()) {
            // Draws of replicate b become b n + i, so that one count of distinct values counts them all.
            NDArray offsets = scope.arange(0, replicates * n, n, DataType.INT64).reshape(-1, 1);
            NDArray drawn = scope.randomInteger(0, n, new Shape(replicates, n), DataType.INT64).add(offsets).flatten();
            NDList distinct = drawn.unique(0, true, false, true); // values, inverse indices, counts
            NDArray counts = scope.zeros(new Shape((long) replicates * n), DataType.FLOAT64);
            counts.set(new NDIndex("{}", distinct.get(0)), distinct.get(2).toType(DataType.FLOAT64, false));
            NDArray result = counts.reshape(replicates, n).transpose().duplicate();
            result.attach(manager);
            return result;
        }
    }

    /** @return the sample standard deviation of the replicates */
    static double standardError(double[] replicates) {
        double mean = 0;
        for (double value : replicates) {
            mean += value / replicates.length;
        }
        double squares = 0;
        for (double value : replicates) {
            squares += (value - mean) * (value - mean);
        }
        return Math.sqrt(squares / (replicates.length - 1));
    }
}
