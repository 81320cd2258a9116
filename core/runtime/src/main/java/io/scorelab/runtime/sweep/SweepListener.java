package io.scorelab.runtime.sweep;

import io.scorelab.api.Job;
import io.scorelab.api.JobResult;
import io.scorelab.runtime.run.RunListener;

/** Hears a sweep job by job; the command line shows it. */
public interface SweepListener {

    /** A job starts, in this process or in a worker. */
    default void jobStarted(Job job) {}

    /**
     * @param job a job about to run in this process
     * @return the listener of its run; closed when the job ends if it is {@link AutoCloseable}
     */
    default RunListener runListener(Job job) {
        return new RunListener() {};
    }

    /** A job ended, however it ended. */
    default void jobEnded(JobResult result) {}
}
