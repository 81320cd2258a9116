package io.scorelab.api;

import ai.djl.ndarray.NDArray;

/**
 * The value of a {@link Loss} on one batch.
 *
 * @param loss the scalar objective that is minimized
 * @param perExample each example's term, shape (n): the runtime averages them per noise level for
 *     the diagnostics {@code train/loss_by_sigma/<bin>}
 * @param noiseLevel the sigma at which each example was noised, shape (n)
 */
public record LossValue(NDArray loss, NDArray perExample, NDArray noiseLevel) {}
