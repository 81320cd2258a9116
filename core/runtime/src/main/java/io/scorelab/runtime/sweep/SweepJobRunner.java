package io.scorelab.runtime.sweep;

import io.scorelab.api.Job;
import io.scorelab.api.JobResult;
import io.scorelab.api.JobRunner;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.plugin.PluginRegistry;
import io.scorelab.runtime.run.RunListener;
import io.scorelab.runtime.run.RunSummary;
import io.scorelab.runtime.tracking.Tracker;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs of one sweep: in this process with {@link SweepJob}, or as the command line of a
 * fresh JVM (the same java binary, JVM options and classpath) that runs the command line's
 * single-run entry point with the job's directory, index and parent run.
 */
final class SweepJobRunner implements JobRunner, JobEvents {

    private static final Logger LOG = LoggerFactory.getLogger(SweepJobRunner.class);

    private final Path experimentFile;
    private final List<ResolvedConfig> configs;
    private final PluginRegistry registry;
    private final Tracker tracker;
    private final String parentRunId;
    private final List<String> entryPoint;
    private final SweepListener listener;
    private final Map<Integer, JobResult> ended = new ConcurrentHashMap<>();
    private volatile boolean inProcess;

    SweepJobRunner(Path experimentFile, List<ResolvedConfig> configs, PluginRegistry registry, Tracker tracker,
            String parentRunId, List<String> entryPoint, SweepListener listener) {
        this.experimentFile = experimentFile;
        this.configs = configs;
        this.registry = registry;
        this.tracker = tracker;
        this.parentRunId = parentRunId;
        this.entryPoint = entryPoint;
        this.listener = listener;
    }

    @Override
    public JobResult runInProcess(Job job) {
        inProcess = true;
        listener.jobStarted(job);
        RunListener runListener = listener.runListener(job);
        JobResult result;
        try {
            RunSummary summary = SweepJob.run(configs.get(job.index()), registry, tracker, job.outputDirectory(),
                    parentRunId, job.index(), runListener);
            result = new JobResult(job, "FINISHED", 0, summary.runId(), null);
        } catch (ScorelabException e) {
            LOG.info("job {} failed: {}", job.index(), e.getMessage());
            result = new JobResult(job, "FAILED", 2, runId(job), e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            LOG.error("job {} failed (a bug in scorelab or a plugin)", job.index(), e);
            result = new JobResult(job, "FAILED", 1, runId(job), e.toString());
        } finally {
            close(runListener);
            inProcess = false;
        }
        ended(result);
        return result;
    }

    @Override
    public List<String> command(Job job) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(entryPoint);
        command.add("--job-dir=" + job.outputDirectory().toAbsolutePath());
        command.add("--job-index=" + job.index());
        command.add("--parent-run-id=" + parentRunId);
        command.add("--");
        command.add(experimentFile.toAbsolutePath().toString());
        command.addAll(job.overrides());
        return command;
    }

    @Override
    public void started(Job job) {
        listener.jobStarted(job);
    }

    @Override
    public void ended(JobResult result) {
        JobResult withRun = result.runId() != null ? result
                : new JobResult(result.job(), result.status(), result.exitCode(), runId(result.job()), result.message());
        ended.put(result.job().index(), withRun);
        listener.jobEnded(withRun);
    }

    /** @return the result of a job that ended, if it did */
    Optional<JobResult> result(int index) {
        return Optional.ofNullable(ended.get(index));
    }

    /** @return whether a job is running in this process (it cannot end before this JVM does) */
    boolean inProcessJobRunning() {
        return inProcess;
    }

    private static String runId(Job job) {
        return SweepJob.runId(job.outputDirectory()).orElse(null);
    }

    private static void close(RunListener listener) {
        if (listener instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("cannot close a job's listener: {}", e.toString());
            }
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** @return this JVM's memory and system-property options, and the engine's properties set since it started */
    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("-D") || argument.startsWith("-Xm") || argument.startsWith("-Xss")
                    || argument.startsWith("-XX:")) {
                options.add(argument);
            }
        }
        for (String name : System.getProperties().stringPropertyNames()) {
            if ((name.startsWith("ai.djl.") || name.equals("java.awt.headless"))
                    && options.stream().noneMatch(o -> o.startsWith("-D" + name + "="))) {
                options.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        return options;
    }
}
