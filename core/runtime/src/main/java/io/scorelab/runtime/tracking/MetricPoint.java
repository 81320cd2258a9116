package io.scorelab.runtime.tracking;

/**
 * One recorded point of a metric: a line {@code "timestamp value step"} of its file in the store.
 *
 * @param timestamp when the value was measured, milliseconds since the epoch
 * @param value the value; NaN and infinities as recorded
 * @param step the training step (0 for MLflow's old two-field lines)
 */
public record MetricPoint(long timestamp, double value, long step) {}
