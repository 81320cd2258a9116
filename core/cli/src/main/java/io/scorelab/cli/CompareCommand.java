package io.scorelab.cli;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.compare.CompareRequest;
import io.scorelab.runtime.compare.Comparison;
import io.scorelab.runtime.compare.ComparisonReport;
import io.scorelab.runtime.compare.LocalRunSource;
import io.scorelab.runtime.compare.RunFilter;
import io.scorelab.runtime.tracking.LocalTracker;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorelab compare}: an ablation table of an experiment's FINISHED runs, one row per value of
 * the {@code --by} params, with the mean, sample standard deviation, min and max of each run's last
 * value of the metric; printed, and written as Markdown, CSV and a PNG bar chart.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare a metric across an experiment's FINISHED runs, one row per value of the --by params:"
                + " runs, missing, mean, std, min, max, the best row marked. Prints the table and writes it as"
                + " Markdown, CSV and a PNG bar chart.",
        footer = {"", "Example: scorelab compare --experiment gmm-2d --metric eval/mmd --by loss.name --by trainer.lr"})
final class CompareCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--experiment", required = true, description = "The experiment's name.")
    private String experiment;

    @Option(names = "--metric", required = true, description = "The metric, e.g. eval/mmd; each run's last value.")
    private String metric;

    @Option(names = "--by", required = true, paramLabel = "PARAM",
            description = "A param whose values make the rows, e.g. loss.name (repeatable: one row per combination).")
    private List<String> by;

    @Option(names = "--filter", paramLabel = "KEY=VALUE",
            description = "Only runs whose param (or, lacking it, tag) KEY equals VALUE (repeatable).")
    private List<String> filters = List.of();

    @Option(names = "--parent", paramLabel = "RUN_ID",
            description = "Only the children of this ended run (tag mlflow.parentRunId); the table and chart are"
                    + " logged as its artifacts under compare/, and it keeps its status.")
    private String parent;

    @Option(names = "--tracking-root", paramLabel = "DIR",
            description = "The local MLflow store (default: MLFLOW_TRACKING_URI if it names a directory, else mlruns).")
    private Path trackingRoot;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
            description = "Where to write compare-<experiment>-<metric>.md, .csv and .png (default: ${DEFAULT-VALUE}).")
    private Path out;

    @ArgGroup(exclusive = true)
    private Direction direction = new Direction();

    /** Which way is better; lower unless told. */
    static final class Direction {
        @Option(names = "--lower-is-better", description = "The best row has the lowest mean (the default).")
        boolean lower;

        @Option(names = "--higher-is-better", description = "The best row has the highest mean.")
        boolean higher;
    }

    @Override
    public Integer call() {
        List<RunFilter> parsed = filters.stream().map(RunFilter::parse).toList();
        Path root = root();
        CompareRequest request = new CompareRequest(experiment, metric, by, parsed, parent, !direction.higher);
        Comparison comparison = Comparison.compute(new LocalRunSource(root), request);
        ComparisonReport report = ComparisonReport.write(comparison, out);
        PrintWriter terminal = spec.commandLine().getOut();
        terminal.print(comparison.text());
        terminal.println();
        terminal.printf("wrote %s%n", String.join(", ", report.files().stream().map(Path::toString).toList()));
        if (parent != null) {
            report.logToEndedRun(new LocalTracker(root), parent, comparison.parentStatus());
            terminal.printf("logged them as artifacts %s/ of run %s, which stays %s%n",
                    ComparisonReport.ARTIFACT_DIRECTORY, parent, comparison.parentStatus());
        }
        terminal.flush();
        return 0;
    }

    /** @return the store: --tracking-root, else a local MLFLOW_TRACKING_URI, else ./mlruns */
    private Path root() {
        if (trackingRoot != null) {
            return trackingRoot;
        }
        String uri = System.getenv("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank()) {
            return LocalTracker.DEFAULT_ROOT;
        }
        if (uri.startsWith("file:")) {
            return Path.of(URI.create(uri));
        }
        if (!uri.contains("://")) {
            return Path.of(uri);
        }
        throw new ScorelabException("MLFLOW_TRACKING_URI=" + uri + ": this version of scorelab compares runs of a"
                + " local MLflow store only; give --tracking-root <dir> or set MLFLOW_TRACKING_URI to a directory");
    }
}
