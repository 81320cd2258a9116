package io.scorelab.cli;

import io.scorelab.api.ComponentKind;
import io.scorelab.api.Job;
import io.scorelab.api.JobResult;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.ConfigComposer;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.config.SecretKeys;
import io.scorelab.runtime.engine.EngineSetup;
import io.scorelab.runtime.plugin.PluginRegistry;
import io.scorelab.runtime.run.ExperimentRun;
import io.scorelab.runtime.run.RunListener;
import io.scorelab.runtime.run.RunSummary;
import io.scorelab.runtime.sweep.Sweep;
import io.scorelab.runtime.sweep.SweepJob;
import io.scorelab.runtime.sweep.SweepListener;
import io.scorelab.runtime.sweep.SweepResult;
import io.scorelab.runtime.tracking.Tracker;
import io.scorelab.runtime.tracking.TrackingTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code scorelab run [-m] <experiment.conf> [overrides...]}: compose, train, evaluate, track; with
 * {@code -m}, a sweep over the cartesian product of the overrides' values.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment: compose its config, train, sample, evaluate and record it in MLflow.",
        footer = {"", "Overrides: key=value (set), group=option (choose, e.g. loss=dsm), +key=value (add),",
            "++key=value (set or add), ~key or ~key=value (delete). Values are HOCON values.",
            "With -m: key=a,b  key=range(0,5)  key=range(0,1,0.25)  key=choice(a,b) sweep; launcher=parallel",
            "launcher.workers=N runs jobs in N worker processes. Exit code 3: a job of the sweep failed."})
final class RunCommand implements Callable<Integer> {

    /** The command line's single-run entry point, which the parallel launcher's workers run. */
    private static final List<String> ENTRY_POINT = List.of(Main.class.getName(), "run");

    @Spec
    private CommandSpec spec;

    @Option(names = {"-m", "--multirun"},
            description = "Sweep: run every combination of the overrides' values and the file's sweep block.")
    private boolean multirun;

    @Option(names = "--dry-run", description = "With -m: print the jobs (validated) and exit.")
    private boolean dryRun;

    @Option(names = "--job-dir", hidden = true, description = "A sweep's job: its directory.")
    private Path jobDirectory;

    @Option(names = "--job-index", hidden = true, description = "A sweep's job: its index.")
    private int jobIndex;

    @Option(names = "--parent-run-id", hidden = true, description = "A sweep's job: the sweep's MLflow run.")
    private String parentRunId;

    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "The experiment file (HOCON).")
    private Path experiment;

    @Parameters(index = "1..*", paramLabel = "OVERRIDE", description = "Config overrides.")
    private List<String> overrides = List.of();

    @Override
    public Integer call() {
        if (dryRun && !multirun) {
            throw new ScorelabException("--dry-run prints the jobs of a sweep: add -m");
        }
        if (jobDirectory != null && (multirun || parentRunId == null)) {
            throw new ScorelabException("--job-dir is for the workers of a sweep, with --parent-run-id and without -m");
        }
        PluginRegistry registry = PluginRegistry.discover(
                PluginRegistry.pluginDirectories(ConfigComposer.pluginDirectories(experiment, overrides)));
        if (multirun) {
            return sweep(registry);
        }
        ResolvedConfig config = new ConfigComposer(registry).compose(experiment, overrides);
        Options root = Options.of(config.config(), "");
        EngineSetup.configure(root.nonNegativeInt("threads"));
        Tracker tracker = tracker(root);
        PrintWriter out = spec.commandLine().getOut();
        try (Progress progress = new Progress(out)) {
            RunSummary summary = jobDirectory != null
                    ? SweepJob.run(config, registry, tracker, jobDirectory, parentRunId, jobIndex, progress)
                    : new ExperimentRun(config, registry, tracker).execute(progress);
            print(out, summary, root);
        }
        return 0;
    }

    private int sweep(PluginRegistry registry) {
        PrintWriter out = spec.commandLine().getOut();
        Sweep sweep = Sweep.prepare(experiment, overrides, registry);
        ResolvedConfig first = sweep.configs().get(0);
        String launcher = first.choices().get(ComponentKind.LAUNCHER);
        List<List<String>> jobs = sweep.plan().jobs();
        if (dryRun) {
            out.printf("%d job%s (launcher %s):%n", jobs.size(), jobs.size() == 1 ? "" : "s", launcher);
            for (int i = 0; i < jobs.size(); i++) {
                out.printf("  %-4d %s%n", i, String.join(" ", jobs.get(i)));
            }
            out.flush();
            return 0;
        }
        Options root = Options.of(first.config(), "");
        EngineSetup.configure(root.nonNegativeInt("threads"));
        out.printf("sweep of %d job%s, launcher %s%n", jobs.size(), jobs.size() == 1 ? "" : "s", launcher);
        out.flush();
        SweepResult result = sweep.run(tracker(root), ENTRY_POINT, new Announcer(out, jobs.size()));
        out.printf("%n%s%n", result.table());
        out.printf("sweep %s: %d finished, %d failed, %d killed%n", result.parentRunId(),
                result.count("FINISHED"), result.count("FAILED"), result.count("KILLED"));
        out.printf("outputs: %s (summary.csv, summary.txt)%n", result.directory());
        out.printf("view it: %s%n", viewHint(root));
        out.flush();
        return result.exitCode();
    }

    /** One line per job start and end; in-process jobs write their run.log. */
    private static final class Announcer implements SweepListener {
        private final PrintWriter out;
        private final int total;
        private final Map<Integer, Long> starts = new ConcurrentHashMap<>();

        Announcer(PrintWriter out, int total) {
            this.out = out;
            this.total = total;
        }

        @Override
        public void jobStarted(Job job) {
            starts.put(job.index(), System.nanoTime());
            out.printf("[%d/%d] started   %s -> %s%n", job.index() + 1, total, String.join(" ", SecretKeys.redactOverrides(job.overrides())),
                    job.outputDirectory());
            out.flush();
        }

        @Override
        public RunListener runListener(Job job) {
            return new Progress(null);
        }

        @Override
        public void jobEnded(JobResult result) {
            Long start = starts.get(result.job().index());
            double seconds = start == null ? 0 : (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "[%d/%d] %-9s %s (%.1f s, exit %d, run %s)%s%n", result.job().index() + 1, total,
                    result.status(), String.join(" ", SecretKeys.redactOverrides(result.job().overrides())), seconds, result.exitCode(),
                    result.runId() == null ? "-" : result.runId(),
                    result.message() == null ? "" : ": " + result.message().lines().findFirst().orElse(""));
            out.flush();
        }
    }

    private static Tracker tracker(Options root) {
        return TrackingTarget.of(root, System.getenv()).tracker(root);
    }

    /** @return how to view the runs: the MLflow UI on the local store, or the server */
    private static String viewHint(Options root) {
        TrackingTarget target = TrackingTarget.of(root, System.getenv());
        return target instanceof TrackingTarget.Server server ? server.server().uri().toString()
                : "mlflow ui --backend-store-uri " + target.location();
    }

    private static void print(PrintWriter out, RunSummary summary, Options root) {
        out.printf(Locale.ROOT, "%nrun %s finished: %d steps in %.1f s (%.1f steps/s), total %.1f s%n",
                summary.runId(), summary.steps(), summary.trainingSeconds(), summary.stepsPerSecond(), summary.totalSeconds());
        for (Map.Entry<String, Double> metric : summary.evaluation().entrySet()) {
            out.printf(Locale.ROOT, "  %-24s %.6g%n", metric.getKey(), metric.getValue());
        }
        out.printf("outputs: %s%n", summary.outputDirectory());
        out.printf("view it: %s%n", viewHint(root));
        out.flush();
    }
}
