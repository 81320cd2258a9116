package io.scorelab.api;

import java.util.Map;

/**
 * A number about samples or about the model, for example the squared maximum mean discrepancy
 *
 * <pre>
 *   MMD^2(P, Q) = E k(x, x') + E k(y, y') - 2 E k(x, y),   x, x' ~ P,  y, y' ~ Q.
 * </pre>
 *
 * <p>Values are logged as {@code eval/<key>} for each key of the returned map.
 */
public interface Metric {

    /**
     * @param input the samples and what they came from
     * @return named values, for example {@code {"mmd": 0.004}}
     */
    Map<String, Double> evaluate(MetricInput input);
}
