package io.scorelab.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What a {@link Metric} may look at.
 *
 * @param samples model samples, shape (n, d...)
 * @param dataset the data distribution (fresh draws, exact density where known)
 * @param model the score model that produced the samples
 * @param schedule the forward process
 * @param manager owns whatever the metric creates (closed by the caller)
 */
public record MetricInput(
        NDArray samples, Dataset dataset, ScoreFunction model, NoiseSchedule schedule, NDManager manager) {}
