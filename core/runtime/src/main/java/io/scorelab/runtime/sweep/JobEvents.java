package io.scorelab.runtime.sweep;

import io.scorelab.api.Job;
import io.scorelab.api.JobResult;

/**
 * What the runtime's own launchers tell a {@link io.scorelab.api.JobRunner} that also implements
 * this about the jobs they run in other processes, so the sweep can report each job as it ends.
 */
interface JobEvents {

    /** A job's process started. */
    void started(Job job);

    /** A job's process ended. */
    void ended(JobResult result);
}
