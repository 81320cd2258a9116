package io.scorelab.runtime.tracking;

import java.nio.file.Path;
import java.util.Map;

/**
 * A run being recorded. Keys of params, metrics and tags follow MLflow's rules: letters, digits,
 * {@code _ - . space /}, at most 250 characters, and a {@code /} only between non-empty names
 * other than {@code .} and {@code ..}; a bad key is an {@link io.scorelab.api.ScorelabException}
 * naming it.
 *
 * <p>Close it in a try-with-resources block and call {@link #end(RunStatus)} with {@link
 * RunStatus#FINISHED} as the block's last statement: closing a run that was not ended marks it
 * {@link RunStatus#FAILED}, since the block was then left by an exception.
 */
public interface TrackedRun extends AutoCloseable {

    /** @return the run's id, 32 hex digits */
    String runId();

    /** @return the id of the run's experiment */
    String experimentId();

    /**
     * Logs params. Params are immutable: logging a key again with the same value does nothing, with
     * another value is an error.
     *
     * @param params key to value; a null value is logged as the empty string, as MLflow does
     * @throws io.scorelab.api.ScorelabException naming a bad key, or a key already logged with
     *     another value
     */
    void logParams(Map<String, String> params);

    /**
     * Logs one point of a metric, timestamped now.
     *
     * @param key the metric's key, for example {@code train/loss}
     * @param value the value; NaN and infinities are recorded as such
     * @param step the training step
     */
    default void logMetric(String key, double value, long step) {
        logMetric(key, value, step, System.currentTimeMillis());
    }

    /**
     * Logs one point of a metric.
     *
     * @param key the metric's key, for example {@code train/loss}
     * @param value the value; NaN and infinities are recorded as such
     * @param step the training step
     * @param timestampMillis when the value was measured, milliseconds since the epoch, not negative
     */
    void logMetric(String key, double value, long step, long timestampMillis);

    /**
     * Sets a tag, replacing any earlier value. Setting {@code mlflow.runName} renames the run.
     *
     * @param key the tag's key, for example {@code scorelab.device}
     * @param value the value; null is recorded as the empty string, as MLflow does
     */
    void setTag(String key, String value);

    /**
     * Copies a file into the run's artifacts, replacing a file of the same name there.
     *
     * @param file a regular file
     * @param artifactDirectory the directory under the artifacts to put it in, for example {@code
     *     plots}; null or empty for the artifacts' root
     * @throws io.scorelab.api.ScorelabException naming the file if it cannot be read, or a bad
     *     directory
     */
    void logArtifact(Path file, String artifactDirectory);

    /**
     * Ends the run. Nothing may be logged to this handle afterwards. Ending a run that has ended
     * does nothing: the first status stays (so a shutdown hook may end it {@link RunStatus#KILLED}
     * without racing the normal end).
     *
     * @param status how the run ended: {@link RunStatus#FINISHED}, {@link RunStatus#FAILED} or
     *     {@link RunStatus#KILLED}
     */
    void end(RunStatus status);

    /** Ends the run as {@link RunStatus#FAILED} unless it was ended already. */
    @Override
    void close();
}
