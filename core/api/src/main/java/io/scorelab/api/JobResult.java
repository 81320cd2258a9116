package io.scorelab.api;

/**
 * How a {@link Job} ended.
 *
 * @param job the job
 * @param status FINISHED, FAILED or KILLED (the MLflow run statuses)
 * @param exitCode the exit code the command line would give: 0, 1 for a bug, 2 for a user error
 * @param runId the MLflow run id, or null when the run never started
 * @param message why it failed, or null
 */
public record JobResult(Job job, String status, int exitCode, String runId, String message) {}
