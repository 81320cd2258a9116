package io.scorelab.cli;

import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.ConfigComposer;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.engine.EngineSetup;
import io.scorelab.runtime.plugin.PluginRegistry;
import io.scorelab.runtime.run.ExperimentRun;
import io.scorelab.runtime.run.RunSummary;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.Tracker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code scorelab run <experiment.conf> [overrides...]}: compose, train, evaluate, track. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment: compose its config, train, sample, evaluate and record it in MLflow.",
        footer = {"", "Overrides: key=value (set), group=option (choose, e.g. loss=dsm), +key=value (add),",
            "++key=value (set or add), ~key (delete). Values are HOCON values."})
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "The experiment file (HOCON).")
    private Path experiment;

    @Parameters(index = "1..*", paramLabel = "OVERRIDE", description = "Config overrides.")
    private List<String> overrides = List.of();

    @Override
    public Integer call() {
        PluginRegistry registry = PluginRegistry.discover(
                PluginRegistry.pluginDirectories(ConfigComposer.pluginDirectories(experiment)));
        ResolvedConfig config = new ConfigComposer(registry).compose(experiment, overrides);
        Options root = Options.of(config.config(), "");
        EngineSetup.configure(root.nonNegativeInt("threads"));
        Tracker tracker = tracker(root);
        PrintWriter out = spec.commandLine().getOut();
        try (Progress progress = new Progress(out)) {
            RunSummary summary = new ExperimentRun(config, registry, tracker).execute(progress);
            print(out, summary, root);
        }
        return 0;
    }

    private static Tracker tracker(Options root) {
        String uri = System.getenv("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank()) {
            return new LocalTracker(Path.of(root.getString("tracking.root")));
        }
        if (uri.startsWith("file:")) {
            return new LocalTracker(Path.of(java.net.URI.create(uri)));
        }
        if (!uri.contains("://")) {
            return new LocalTracker(Path.of(uri));
        }
        throw new ScorelabException("MLFLOW_TRACKING_URI=" + uri + ": this version of scorelab records runs in a local"
                + " MLflow store only; unset MLFLOW_TRACKING_URI (runs then go to ./" + root.getString("tracking.root")
                + ") or set it to a directory or file: URI");
    }

    private static void print(PrintWriter out, RunSummary summary, Options root) {
        out.printf(Locale.ROOT, "%nrun %s finished: %d steps in %.1f s (%.1f steps/s), total %.1f s%n",
                summary.runId(), summary.steps(), summary.trainingSeconds(), summary.stepsPerSecond(), summary.totalSeconds());
        for (Map.Entry<String, Double> metric : summary.evaluation().entrySet()) {
            out.printf(Locale.ROOT, "  %-24s %.6g%n", metric.getKey(), metric.getValue());
        }
        out.printf("outputs: %s%n", summary.outputDirectory());
        out.printf("view it: mlflow ui --backend-store-uri %s%n", root.getString("tracking.root"));
        out.flush();
    }
}
