package io.scorelab.runtime.sweep;

import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Job;
import io.scorelab.api.JobResult;
import io.scorelab.api.JobRunner;
import io.scorelab.api.Launcher;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each job in a fresh worker process ({@link JobRunner#command}), at most {@code workers} at a
 * time, the process's output going to {@code console.log} in the job's directory. A job's status
 * comes from its exit code: 0 FINISHED, anything else FAILED, and KILLED for a job this launcher
 * stopped. With {@code fail_fast}, the first failed job stops the running workers and starts no
 * new ones. When this JVM shuts down (Ctrl-C), a shutdown hook stops every worker (SIGTERM, so it
 * marks its own run KILLED; after {@code stop_grace_seconds} SIGKILL) before the JVM exits.
 */
public final class ParallelLauncher implements Launcher {

    static final String CONSOLE_LOG = "console.log";
    private static final Logger LOG = LoggerFactory.getLogger(ParallelLauncher.class);
    private static final long POLL_MILLIS = 100;

    private final int workers;
    private final boolean failFast;
    private final int graceSeconds;

    @Inject
    ParallelLauncher(@Named("launcher") Options options) {
        this(options.positiveInt("workers"), options.getBoolean("fail_fast"), options.positiveInt("stop_grace_seconds"));
    }

    /**
     * @param workers how many jobs run at a time, at least 1
     * @param failFast whether the first failed job stops the sweep
     * @param graceSeconds how long a stopped worker may take to exit before it is killed outright
     */
    public ParallelLauncher(int workers, boolean failFast, int graceSeconds) {
        if (workers < 1 || graceSeconds < 1) {
            throw new ScorelabException("launcher.workers = " + workers + ", launcher.stop_grace_seconds = "
                    + graceSeconds + ": expected positive integers");
        }
        this.workers = workers;
        this.failFast = failFast;
        this.graceSeconds = graceSeconds;
    }

    @Override
    public List<JobResult> launch(List<Job> jobs, JobRunner runner) {
        return new Pool(jobs, runner).run();
    }

    /** The state of one launch: the jobs not started, the running workers, the results. */
    private final class Pool {
        private final Deque<Job> pending;
        private final JobRunner runner;
        private final Map<Job, Process> running = new LinkedHashMap<>();
        private final Map<Job, JobResult> results = new LinkedHashMap<>();
        private final List<Job> order;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile String stopped;

        Pool(List<Job> jobs, JobRunner runner) {
            this.order = jobs;
            this.pending = new ArrayDeque<>(jobs);
            this.runner = runner;
        }

        List<JobResult> run() {
            Thread hook = new Thread(this::shutDown, "scorelab-sweep-workers");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                while (!pending.isEmpty() || !running.isEmpty()) {
                    while (stopped == null && running.size() < workers && !pending.isEmpty()) {
                        start(pending.removeFirst());
                    }
                    if (stopped != null) {
                        pending.forEach(job -> results.put(job,
                                new JobResult(job, "KILLED", -1, null, "not started: " + stopped)));
                        pending.clear();
                    }
                    reap();
                }
                List<JobResult> ordered = new ArrayList<>();
                order.forEach(job -> ordered.add(results.get(job)));
                return ordered;
            } finally {
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook is running
                }
            }
        }

        private void start(Job job) {
            List<String> command = runner.command(job);
            try {
                Files.createDirectories(job.outputDirectory());
                Process process;
                synchronized (running) {
                    if (stopped != null) {
                        results.put(job, new JobResult(job, "KILLED", -1, null, "not started: " + stopped));
                        return;
                    }
                    process = new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(job.outputDirectory().resolve(CONSOLE_LOG).toFile())
                            .start();
                    running.put(job, process);
                }
                LOG.info("job {} started in process {}: {}", job.index(), process.pid(), command);
                if (runner instanceof JobEvents events) {
                    events.started(job);
                }
            } catch (IOException e) {
                JobResult result = new JobResult(job, "FAILED", 1, null, "cannot start a worker: " + e.getMessage());
                finish(result);
            }
        }

        /** Waits for at least one worker to exit (or a poll interval) and records every exited one. */
        private void reap() {
            List<Map.Entry<Job, Process>> exited;
            try {
                synchronized (running) {
                    exited = running.entrySet().stream().filter(e -> !e.getValue().isAlive()).toList();
                }
                if (exited.isEmpty()) {
                    Thread.sleep(POLL_MILLIS);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop("the sweep was interrupted");
                return;
            }
            for (Map.Entry<Job, Process> entry : exited) {
                synchronized (running) {
                    running.remove(entry.getKey());
                }
                Job job = entry.getKey();
                int code = entry.getValue().exitValue();
                String status = code == 0 ? "FINISHED" : stopped != null ? "KILLED" : "FAILED";
                String message = code == 0 ? null : status.equals("KILLED") ? "stopped: " + stopped : lastError(job);
                finish(new JobResult(job, status, code, null, message));
                if (code != 0 && failFast && stopped == null) {
                    stop("job " + job.index() + " failed and launcher.fail_fast = true");
                }
            }
        }

        private void finish(JobResult result) {
            results.put(result.job(), result);
            if (runner instanceof JobEvents events) {
                events.ended(result);
            }
        }

        /** Stops every running worker: SIGTERM, then SIGKILL after the grace period. */
        private void stop(String reason) {
            List<Process> processes;
            synchronized (running) {
                stopped = reason;
                processes = List.copyOf(running.values());
            }
            processes.forEach(Process::destroy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
            for (Process process : processes) {
                try {
                    if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        LOG.warn("worker {} did not stop within {} s; killing it", process.pid(), graceSeconds);
                        process.destroyForcibly().waitFor(graceSeconds, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        }

        private void shutDown() {
            stop("the sweep was stopped (Ctrl-C or SIGTERM)");
            try {
                // let the launching thread record the stopped workers before the JVM exits
                done.await(graceSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return the last line of a job's console that starts with "error:", else its last line */
    private static String lastError(Job job) {
        Path console = job.outputDirectory().resolve(CONSOLE_LOG);
        try {
            List<String> lines = Files.readAllLines(console, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank()).toList();
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("error: ")) {
                    return lines.get(i).substring("error: ".length());
                }
            }
            return lines.isEmpty() ? "the worker printed nothing" : lines.get(lines.size() - 1);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "see " + console;
        }
    }
}
