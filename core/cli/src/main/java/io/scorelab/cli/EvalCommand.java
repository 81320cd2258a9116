package io.scorelab.cli;

import ai.djl.ndarray.NDManager;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.run.Evaluation;
import io.scorelab.runtime.run.TrainedRun;
import io.scorelab.runtime.tracking.LocalStoreReader;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code scorelab eval <run-dir | run id> [overrides...]}: metrics on a checkpoint, logged to its run. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a trained run's checkpoint with its metrics (or others) and log them to the same"
                + " MLflow run at the checkpoint's step.",
        footer = {"", "Example:", "  scorelab eval outputs/quickstart/2026-11-23_10-00-00 'eval.metrics=[mmd,fisher]'"})
final class EvalCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "A run's output directory or its MLflow run id.")
    private String target;

    @Parameters(index = "1..*", paramLabel = "OVERRIDE", description = "Config overrides, e.g. 'eval.metrics=[mmd]'.")
    private List<String> overrides = List.of();

    @Option(names = "--tracking-root", defaultValue = "mlruns", description = "The local MLflow store (default: ${DEFAULT-VALUE}).")
    private Path trackingRoot;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        try (TrainedRun trained = TrainedRun.open(target, overrides, new LocalStoreReader(trackingRoot));
                NDManager manager = trained.newManager()) {
            String runId = trained.location().runId().orElseThrow(() -> new ScorelabException(
                    "no run in " + trackingRoot + " records " + trained.location().directory()
                            + " (use --tracking-root to point at its store)"));
            int samples = trained.config().config().getInt("eval.samples");
            Map<String, Double> values = trained.evaluation(true).run(trained.model(), manager, samples).values();
            try (TrackedRun run = new LocalTracker(trackingRoot).openRun(runId)) {
                values.forEach((key, value) -> run.logMetric(key, value, trained.step()));
                run.end(RunStatus.FINISHED);
            }
            stdout.printf(Locale.ROOT, "%s at step %d (%s), logged to run %s:%n", trained.location().directory(),
                    trained.step(), trained.checkpoint().getFileName(), runId);
            values.forEach((key, value) -> stdout.printf(Locale.ROOT, "  %-28s %.6g%n", key, value));
        }
        stdout.flush();
        return 0;
    }
}
