package io.scorelab.api;

import java.util.List;

/**
 * Runs the jobs of a sweep: one after another in this process, in worker processes, or on a
 * cluster scheduler. A launcher decides only where and when a job runs; the {@link JobRunner}
 * knows how.
 */
public interface Launcher {

    /**
     * @param jobs the jobs, in order
     * @param runner runs one job in this process, or gives the command line that runs it elsewhere
     * @return one result per job, in the order of {@code jobs}
     */
    List<JobResult> launch(List<Job> jobs, JobRunner runner);
}
