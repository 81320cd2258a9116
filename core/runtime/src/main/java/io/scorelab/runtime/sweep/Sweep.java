package io.scorelab.runtime.sweep;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Job;
import io.scorelab.api.JobResult;
import io.scorelab.api.Launcher;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.ConfigComposer;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.config.SecretKeys;
import io.scorelab.runtime.plugin.ComponentFactory;
import io.scorelab.runtime.plugin.PluginRegistry;
import io.scorelab.runtime.run.StopHook;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import io.scorelab.runtime.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multirun: every job's config composed and validated before anything runs, then the jobs handed
 * to the chosen {@link Launcher}. The sweep writes
 *
 * <pre>
 *   &lt;output.dir&gt;/&lt;experiment&gt;/&lt;YYYY-MM-DD_HH-mm-ss&gt;/
 *     multirun.conf      the sweep: experiment file, overrides, swept keys, every job's overrides
 *     summary.csv        job, status, exit_code, run_id, overrides, output_dir, message
 *     summary.txt        the same as a table for people
 *     &lt;job index&gt;/        each job's run: config.conf, overrides.txt, run.log, checkpoints, samples
 * </pre>
 *
 * and records an MLflow parent run (params {@code sweep.<key>} = the swept values, artifacts
 * multirun.conf and the summaries) whose children are the jobs' runs ({@code mlflow.parentRunId}).
 * The parent ends FINISHED when every job finished, FAILED when one did not, KILLED when the sweep
 * was stopped (Ctrl-C): then the jobs that had not ended are KILLED in the summary.
 */
public final class Sweep {

    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");
    private static final long SHUTDOWN_WAIT_SECONDS = 30;

    private final Path experimentFile;
    private final List<String> overrides;
    private final SweepPlan plan;
    private final List<ResolvedConfig> configs;
    private final PluginRegistry registry;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private SweepResult result;

    private Sweep(Path experimentFile, List<String> overrides, SweepPlan plan, List<ResolvedConfig> configs,
            PluginRegistry registry) {
        this.experimentFile = experimentFile;
        this.overrides = overrides;
        this.plan = plan;
        this.configs = configs;
        this.registry = registry;
    }

    /**
     * Plans the sweep and composes every job's config, so that a mistake in any job is reported
     * before the first one runs.
     *
     * @param experimentFile the experiment file
     * @param overrides the command-line overrides as typed after {@code -m}
     * @param registry the plugins
     * @return the sweep, ready to run
     * @throws ScorelabException naming the job whose overrides are wrong
     */
    public static Sweep prepare(Path experimentFile, List<String> overrides, PluginRegistry registry) {
        SweepPlan plan = SweepPlan.of(experimentFile, overrides);
        ConfigComposer composer = new ConfigComposer(registry);
        List<ResolvedConfig> configs = new ArrayList<>();
        for (int i = 0; i < plan.jobs().size(); i++) {
            List<String> job = plan.jobs().get(i);
            try {
                configs.add(composer.compose(experimentFile, job));
            } catch (ScorelabException e) {
                throw new ScorelabException("job " + i + " [" + String.join(" ", job) + "]: " + e.getMessage(), e);
            }
        }
        return new Sweep(experimentFile, List.copyOf(overrides), plan, List.copyOf(configs), registry);
    }

    /** @return the plan: the swept keys and each job's overrides */
    public SweepPlan plan() {
        return plan;
    }

    /** @return each job's resolved config, in job order */
    public List<ResolvedConfig> configs() {
        return configs;
    }

    /**
     * Runs the jobs with the launcher the first job's config chooses ({@code launcher=...}).
     *
     * @param tracker where the parent run and the in-process jobs' runs are recorded
     * @param entryPoint the main class and arguments of the command line's single-run entry point,
     *     for jobs in worker processes, for example {@code [io.scorelab.cli.Main, run]}
     * @param listener hears the jobs
     * @return how every job went
     */
    public SweepResult run(Tracker tracker, List<String> entryPoint, SweepListener listener) {
        ResolvedConfig first = configs.get(0);
        Options root = Options.of(first.config(), "");
        String experimentName = root.getString("experiment.name");
        String launcherName = first.choices().get(ComponentKind.LAUNCHER);
        Launcher launcher = new ComponentFactory(registry, first.config()).create(ComponentKind.LAUNCHER, launcherName);
        Path directory = createDirectory(Path.of(root.getString("output.dir")), experimentName);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < plan.jobs().size(); i++) {
            jobs.add(new Job(i, plan.jobs().get(i), directory.resolve(Integer.toString(i))));
        }
        write(directory.resolve("multirun.conf"), definition(launcherName));

        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.source.name", experimentFile.toString());
        tags.put("mlflow.source.type", "LOCAL");
        tags.put("scorelab.sweep", "true");
        tags.put("scorelab.sweep.launcher", launcherName);
        tags.put("scorelab.output_dir", directory.toAbsolutePath().toString());
        // The hook goes in before the parent run is created: a signal that comes while it is being
        // created waits for it, rather than leaving it RUNNING with no summary.
        StopHook<Started> hook = StopHook.register("scorelab-sweep-killed",
                sweep -> stopped(sweep.parent(), directory, jobs, sweep.runner()));
        TrackedRun parent;
        SweepJobRunner runner;
        try {
            parent = tracker.startRun(experimentName, experimentName + "/" + directory.getFileName(), tags, directory);
            runner = new SweepJobRunner(experimentFile, configs, registry, tracker, parent.runId(), entryPoint,
                    listener);
        } catch (RuntimeException | Error e) {
            hook.notCreated();
            throw e;
        }
        hook.created(new Started(parent, runner));
        try {
            Map<String, String> params = new LinkedHashMap<>();
            plan.definition().forEach((key, values) -> params.put("sweep." + key, String.join(", ", values)));
            params.put("sweep.jobs", Integer.toString(jobs.size()));
            params.put("sweep.launcher", launcherName);
            params.put("sweep.overrides", String.join(" ", overrides));
            parent.logParams(params);
            parent.logArtifact(directory.resolve("multirun.conf"), null);

            List<JobResult> results = launcher.launch(jobs, runner);
            if (results.size() != jobs.size()) {
                throw new IllegalStateException("launcher " + launcherName + " returned " + results.size()
                        + " results for " + jobs.size() + " jobs");
            }
            List<JobResult> withRuns = new ArrayList<>();
            for (JobResult r : results) {
                withRuns.add(r.runId() != null ? r : new JobResult(r.job(), r.status(), r.exitCode(),
                        SweepJob.runId(r.job().outputDirectory()).orElse(null), r.message()));
            }
            return finish(parent, directory, withRuns, stopping);
        } catch (RuntimeException | Error e) {
            parent.setTag("scorelab.failure", String.valueOf(e.getMessage()));
            parent.end(RunStatus.FAILED);
            throw e;
        } finally {
            hook.remove();
        }
    }

    /** The parent run and the runner of its jobs, once both exist. */
    private record Started(TrackedRun parent, SweepJobRunner runner) {}

    /** The shutdown hook: waits for the launcher to hand back its results, else records what is known. */
    private void stopped(TrackedRun parent, Path directory, List<Job> jobs, SweepJobRunner runner) {
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SHUTDOWN_WAIT_SECONDS);
        try {
            while (!finished.await(100, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline
                    && !runner.inProcessJobRunning()) {
                // worker processes are stopping; the launcher returns once they are gone
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JobResult> known = new ArrayList<>();
        for (Job job : jobs) {
            known.add(runner.result(job.index()).orElseGet(() -> new JobResult(job, "KILLED", -1,
                    SweepJob.runId(job.outputDirectory()).orElse(null), "the sweep was stopped before the job ended")));
        }
        finish(parent, directory, known, true);
    }

    /** Writes the summary and ends the parent run, once: the first caller (main thread or shutdown hook) wins. */
    private synchronized SweepResult finish(TrackedRun parent, Path directory, List<JobResult> results, boolean killed) {
        if (result != null) {
            return result;
        }
        result = new SweepResult(directory, parent.runId(), List.copyOf(results), killed);
        write(directory.resolve("summary.csv"), csv(results));
        write(directory.resolve("summary.txt"), result.table());
        parent.logArtifact(directory.resolve("summary.csv"), null);
        parent.logArtifact(directory.resolve("summary.txt"), null);
        parent.setTag("scorelab.sweep.finished", Long.toString(result.count("FINISHED")));
        parent.setTag("scorelab.sweep.failed", Long.toString(result.count("FAILED")));
        parent.setTag("scorelab.sweep.killed", Long.toString(result.count("KILLED")));
        parent.end(killed ? RunStatus.KILLED : result.exitCode() == 0 ? RunStatus.FINISHED : RunStatus.FAILED);
        LOG.info("sweep {} ended: {} finished, {} failed, {} killed", directory, result.count("FINISHED"),
                result.count("FAILED"), result.count("KILLED"));
        finished.countDown();
        return result;
    }

    /** @return the sweep as HOCON: what ran, so that it can be read back and rerun */
    private String definition(String launcher) {
        StringBuilder text = new StringBuilder("# scorelab run -m " + experimentFile + " " + String.join(" ", overrides) + "\n");
        text.append("experiment = ").append(quoted(experimentFile.toAbsolutePath().toString())).append('\n');
        text.append("launcher = ").append(quoted(launcher)).append('\n');
        text.append("overrides = ").append(list(overrides)).append('\n');
        text.append("sweep {\n");
        plan.definition().forEach((key, values) ->
                text.append("  ").append(quoted(key)).append(" = ").append(list(values)).append('\n'));
        text.append("}\njobs = [\n");
        plan.jobs().forEach(job -> text.append("  ").append(list(job)).append('\n'));
        return text.append("]\n").toString();
    }

    private static String list(List<String> values) {
        return "[" + String.join(", ", values.stream().map(Sweep::quoted).toList()) + "]";
    }

    private static String quoted(String value) {
        return ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise());
    }

    private static String csv(List<JobResult> results) {
        StringBuilder csv = new StringBuilder("job,status,exit_code,run_id,overrides,output_dir,message\n");
        for (JobResult r : results) {
            csv.append(r.job().index()).append(',')
                    .append(r.status()).append(',')
                    .append(r.exitCode() < 0 ? "" : Integer.toString(r.exitCode())).append(',')
                    .append(r.runId() == null ? "" : r.runId()).append(',')
                    .append(quote(String.join(" ", SecretKeys.redactOverrides(r.job().overrides())))).append(',')
                    .append(quote(r.job().outputDirectory().toString())).append(',')
                    .append(quote(r.message() == null ? "" : r.message().lines().findFirst().orElse("")))
                    .append('\n');
        }
        return csv.toString();
    }

    private static String quote(String field) {
        return field.matches("[^,\"\\r\\n]*") ? field : "\"" + field.replace("\"", "\"\"") + "\"";
    }

    private static Path createDirectory(Path root, String experimentName) {
        String stamp = LocalDateTime.now().format(STAMP);
        Path parent = root.resolve(experimentName.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.createDirectories(parent);
            for (int attempt = 0; ; attempt++) {
                try {
                    return Files.createDirectory(parent.resolve(attempt == 0 ? stamp : stamp + "_" + attempt));
                } catch (FileAlreadyExistsException e) {
                    // another run or sweep started in the same second: take the next suffix
                }
            }
        } catch (IOException e) {
            throw new ScorelabException("cannot create the sweep directory under " + parent + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
