package io.scorelab.api;

import java.util.List;

/** Runs one {@link Job}, for {@link Launcher}s. */
public interface JobRunner {

    /** Runs the job in this process and reports how it ended; never throws for a failed run. */
    JobResult runInProcess(Job job);

    /** @return the command line that runs the job in a fresh process */
    List<String> command(Job job);
}
