package io.scorelab.runtime.sweep;

import io.scorelab.api.JobResult;
import io.scorelab.runtime.config.SecretKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a sweep went.
 *
 * @param directory the sweep's directory, {@code <output.dir>/<experiment>/<YYYY-MM-DD_HH-mm-ss>/}
 * @param parentRunId the sweep's MLflow run
 * @param results one result per job, in job order
 * @param killed whether the sweep was stopped from outside (Ctrl-C)
 */
public record SweepResult(Path directory, String parentRunId, List<JobResult> results, boolean killed) {

    /** The exit code of a sweep in which a job failed or was killed. */
    public static final int JOBS_FAILED = 3;

    /** @return 0 when every job finished, else {@link #JOBS_FAILED} */
    public int exitCode() {
        return results.stream().allMatch(r -> r.status().equals("FINISHED")) ? 0 : JOBS_FAILED;
    }

    /** @return how many jobs ended with a status */
    public long count(String status) {
        return results.stream().filter(r -> r.status().equals(status)).count();
    }

    /** @return the jobs as a table for people: job, status, exit code, run id, overrides, and why it failed */
    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"JOB", "STATUS", "EXIT", "RUN", "OVERRIDES"});
        for (JobResult result : results) {
            rows.add(new String[] {
                Integer.toString(result.job().index()),
                result.status(),
                result.exitCode() < 0 ? "-" : Integer.toString(result.exitCode()),
                result.runId() == null ? "-" : result.runId(),
                String.join(" ", SecretKeys.redactOverrides(result.job().overrides()))
            });
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                table.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            table.append('\n');
            JobResult result = r == 0 ? null : results.get(r - 1);
            if (result != null && result.message() != null && !result.status().equals("FINISHED")) {
                table.append("    ").append(result.message().lines().findFirst().orElse("")).append('\n');
            }
        }
        return table.toString();
    }
}
