package io.scorelab.runtime.compare;

import java.util.List;

/**
 * One row of a {@link Comparison}: the runs sharing the values of the {@code by} params.
 *
 * @param values the values of the {@code by} params, in their order; null where the runs lack the
 *     param
 * @param runs n, the number of runs with the metric
 * @param missing the number of runs without the metric
 * @param mean the mean of the runs' latest values; null for n = 0
 * @param std their sample standard deviation (divisor n - 1); null for n &lt; 2
 * @param min the least value; null for n = 0
 * @param max the greatest value; null for n = 0
 * @param best whether this row has the best mean
 */
public record ComparisonRow(
        List<String> values,
        int runs,
        int missing,
        Double mean,
        Double std,
        Double min,
        Double max,
        boolean best) {

    /** @return a copy, marked best or not */
    ComparisonRow withBest(boolean isBest) {
        return new ComparisonRow(values, runs, missing, mean, std, min, max, isBest);
    }
}
