package io.scorelab.runtime.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.scorelab.api.Job;
import io.scorelab.api.JobResult;
import io.scorelab.api.JobRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launchers against runners that need no engine: in-process stubs and shell commands. */
class LaunchersTest {

    @TempDir
    Path dir;

    private List<Job> jobs(int n) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(new Job(i, List.of("seed=" + i), dir.resolve(Integer.toString(i))));
        }
        return jobs;
    }

    /** A runner whose in-process jobs fail where {@code failing} says, and whose commands are shell scripts. */
    private static JobRunner runner(Function<Job, String> script, List<Integer> failing, List<Integer> ran) {
        return new JobRunner() {
            @Override
            public JobResult runInProcess(Job job) {
                ran.add(job.index());
                return failing.contains(job.index())
                        ? new JobResult(job, "FAILED", 2, "run" + job.index(), "boom")
                        : new JobResult(job, "FINISHED", 0, "run" + job.index(), null);
            }

            @Override
            public List<String> command(Job job) {
                ran.add(job.index());
                return List.of("sh", "-c", script.apply(job));
            }
        };
    }

    @Test
    void localRunsEveryJobInOrderAndGoesOnAfterAFailure() {
        List<Integer> ran = new ArrayList<>();
        List<JobResult> results = new LocalLauncher(false).launch(jobs(4), runner(j -> "", List.of(1), ran));
        assertThat(ran).containsExactly(0, 1, 2, 3);
        assertThat(results).extracting(JobResult::status).containsExactly("FINISHED", "FAILED", "FINISHED", "FINISHED");
    }

    @Test
    void localFailFastKillsTheRest() {
        List<Integer> ran = new ArrayList<>();
        List<JobResult> results = new LocalLauncher(true).launch(jobs(4), runner(j -> "", List.of(1), ran));
        assertThat(ran).containsExactly(0, 1);
        assertThat(results).extracting(JobResult::status).containsExactly("FINISHED", "FAILED", "KILLED", "KILLED");
        assertThat(results.get(2).message()).contains("job 1 failed and launcher.fail_fast = true");
    }

    @Test
    void parallelRunsWorkersAtOnceAndReadsExitCodes() throws IOException {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        // each job sleeps 1 s: 4 jobs on 2 workers take about 2 s, one after another 4 s
        long start = System.nanoTime();
        List<JobResult> results = new ParallelLauncher(2, false, 5).launch(jobs(4), runner(
                job -> "sleep 1; echo working; " + (job.index() == 2 ? "echo 'error: job two broke'; exit 2" : "exit 0"),
                List.of(), ran));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).isBetween(1.9, 3.8);
        assertThat(results).extracting(JobResult::status).containsExactly("FINISHED", "FINISHED", "FAILED", "FINISHED");
        assertThat(results).extracting(JobResult::exitCode).containsExactly(0, 0, 2, 0);
        assertThat(results.get(2).message()).isEqualTo("job two broke");
        assertThat(Files.readString(dir.resolve("2").resolve(ParallelLauncher.CONSOLE_LOG))).contains("working");
    }

    @Test
    void parallelFailFastStopsTheRunningWorkers() {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        List<JobResult> results = new ParallelLauncher(2, true, 5).launch(jobs(4), runner(
                job -> job.index() == 0 ? "exit 1" : "sleep 30", List.of(), ran));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).as("job 1 was stopped, not waited for").isLessThan(10);
        assertThat(results).extracting(JobResult::status).containsExactly("FAILED", "KILLED", "KILLED", "KILLED");
        assertThat(results.get(3).exitCode()).isEqualTo(-1); // never started
        assertThat(ran).hasSizeLessThanOrEqualTo(3);
    }
}
