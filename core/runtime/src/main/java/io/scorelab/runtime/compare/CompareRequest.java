package io.scorelab.runtime.compare;

import java.util.List;

/**
 * What to compare: a metric of an experiment's runs, one row per combination of the values of the
 * {@code by} params.
 *
 * @param experiment the experiment's name
 * @param metric the metric's key, for example {@code eval/mmd}
 * @param by the params whose values make the rows, for example {@code loss.name}; at least one
 * @param filters only runs passing every filter are compared
 * @param parentRunId only the children of this run (tag {@code mlflow.parentRunId}) are compared,
 *     and the table and chart are logged as its artifacts; null for none
 * @param lowerIsBetter whether the best row is the one of the lowest mean, else of the highest
 */
public record CompareRequest(
        String experiment,
        String metric,
        List<String> by,
        List<RunFilter> filters,
        String parentRunId,
        boolean lowerIsBetter) {

    /** The tag MLflow sets on a child run: the id of its parent. */
    public static final String PARENT_TAG = "mlflow.parentRunId";

    public CompareRequest {
        if (by.isEmpty()) {
            throw new IllegalArgumentException("compare by at least one param");
        }
        by = List.copyOf(by);
        filters = List.copyOf(filters);
    }
}
