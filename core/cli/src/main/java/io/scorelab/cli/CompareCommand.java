package io.scorelab.cli;

import io.scorelab.runtime.compare.CompareRequest;
import io.scorelab.runtime.compare.Comparison;
import io.scorelab.runtime.compare.ComparisonReport;
import io.scorelab.runtime.compare.LocalRunSource;
import io.scorelab.runtime.compare.RunFilter;
import io.scorelab.runtime.compare.RunSource;
import io.scorelab.runtime.compare.ServerRunSource;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.ServerTracker;
import io.scorelab.runtime.tracking.Tracker;
import io.scorelab.runtime.tracking.TrackingTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorelab compare}: an ablation table of an experiment's FINISHED runs, one row per value of
 * the {@code --by} params, with the mean, sample standard deviation, min and max of each run's last
 * value of the metric; printed, and written as Markdown, CSV and a PNG bar chart. The runs are read
 * from a local store or an MLflow tracking server.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare a metric across an experiment's FINISHED runs, one row per value of the --by params:"
                + " runs, missing, mean, std, min, max, the best row marked. Prints the table and writes it as"
                + " Markdown, CSV and a PNG bar chart. The runs are read from a local MLflow store or an MLflow"
                + " tracking server.",
        footer = {"", "Examples:",
            "  scorelab compare --experiment gmm-2d --metric eval/mmd --by loss.name --by trainer.lr",
            "  scorelab compare --tracking-uri http://mlflow:5000 --experiment gmm-2d --metric eval/mmd"
                    + " --by loss.name"})
final class CompareCommand implements Callable<Integer> {

    /**
     * Where a server's parent run keeps what it could not send yet (the default {@code
     * tracking.spool_dir}); empty once everything reached the server.
     */
    private static final Path SPOOL = Path.of("outputs/tracking-spool");
    /** How long logging into a server's parent run waits for an unreachable server before it spools. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

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

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
            description = "Where to write compare-<experiment>-<metric>.md, .csv and .png (default: ${DEFAULT-VALUE}).")
    private Path out;

    @ArgGroup(exclusive = true)
    private Store store = new Store();

    @ArgGroup(exclusive = true)
    private Direction direction = new Direction();

    /** Where the runs are; MLFLOW_TRACKING_URI, else ./mlruns, unless told. */
    static final class Store {
        @Option(names = "--tracking-uri", paramLabel = "URI",
                description = "Where the runs are: http(s)://host:port for an MLflow tracking server (credentials"
                        + " from MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD),"
                        + " or a directory or file: URI for a local store (default: MLFLOW_TRACKING_URI, else mlruns).")
        String uri;

        @Option(names = "--tracking-root", paramLabel = "DIR",
                description = "A local MLflow store: the same as --tracking-uri DIR.")
        Path root;
    }

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
        CompareRequest request = new CompareRequest(experiment, metric, by, parsed, parent, !direction.higher);
        TrackingTarget target = store.root != null ? new TrackingTarget.LocalStore(store.root)
                : TrackingTarget.resolve(store.uri, LocalTracker.DEFAULT_ROOT, System.getenv());
        if (target instanceof TrackingTarget.Server remote) {
            try (ServerRunSource source = new ServerRunSource(remote.server())) {
                compare(request, source, () -> new ServerTracker(remote.server(), ServerTracker.OnUnavailable.FAIL,
                        SPOOL, FLUSH_TIMEOUT));
            }
        } else {
            Path root = ((TrackingTarget.LocalStore) target).root();
            compare(request, new LocalRunSource(root), () -> new LocalTracker(root));
        }
        return 0;
    }

    /** Prints the table, writes its files and, with --parent, logs them into the parent through the tracker. */
    private void compare(CompareRequest request, RunSource source, Supplier<Tracker> tracker) {
        Comparison comparison = Comparison.compute(source, request);
        ComparisonReport report = ComparisonReport.write(comparison, out);
        PrintWriter terminal = spec.commandLine().getOut();
        terminal.print(comparison.text());
        terminal.println();
        terminal.printf("wrote %s%n", String.join(", ", report.files().stream().map(Path::toString).toList()));
        if (parent != null) {
            report.logToEndedRun(tracker.get(), parent, comparison.parentStatus());
            terminal.printf("logged them as artifacts %s/ of run %s, which stays %s%n",
                    ComparisonReport.ARTIFACT_DIRECTORY, parent, comparison.parentStatus());
        }
        terminal.flush();
    }
}
