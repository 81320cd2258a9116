package io.scorelab.runtime.sweep;

import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Job;
import io.scorelab.api.JobResult;
import io.scorelab.api.JobRunner;
import io.scorelab.api.Launcher;
import io.scorelab.api.Options;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the jobs one after another in this process ({@link JobRunner#runInProcess}); each job
 * composes its own injector and NDManager tree. With {@code fail_fast}, the first failed job
 * stops the sweep and the jobs after it are KILLED without a run.
 */
public final class LocalLauncher implements Launcher {

    private final boolean failFast;

    @Inject
    LocalLauncher(@Named("launcher") Options options) {
        this(options.getBoolean("fail_fast"));
    }

    /** @param failFast whether the first failed job stops the sweep */
    public LocalLauncher(boolean failFast) {
        this.failFast = failFast;
    }

    @Override
    public List<JobResult> launch(List<Job> jobs, JobRunner runner) {
        List<JobResult> results = new ArrayList<>();
        String stopped = null;
        for (Job job : jobs) {
            if (stopped != null) {
                results.add(new JobResult(job, "KILLED", -1, null, stopped));
                continue;
            }
            JobResult result = runner.runInProcess(job);
            results.add(result);
            if (failFast && !result.status().equals("FINISHED")) {
                stopped = "not run: job " + job.index() + " failed and launcher.fail_fast = true";
            }
        }
        return results;
    }
}
