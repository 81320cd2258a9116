package io.scorelab.cli;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.runtime.run.Evaluation;
import io.scorelab.runtime.run.TrainedRun;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code scorelab eval <run-dir | run id> [overrides...]}: metrics on a checkpoint, logged to its run. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a trained run's checkpoint with its metrics (or others) and log them to the same"
                + " MLflow run at the checkpoint's step.",
        footer = {"", "Example:", "  scorelab eval outputs/quickstart/2026-11-23_10-00-00 'eval.metrics=[mmd,fisher]'"})
final class EvalCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private TrainedRunTarget run;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        try (TrainedRun trained = run.open();
                NDManager manager = trained.newManager()) {
            Config config = trained.config().config();
            int samples = Options.of(config, "eval").positiveInt("samples");
            Map<String, Double> values;
            try (SampleNoise noise = Evaluation.noise(config)) {
                values = trained.evaluation(true).run(trained.model(), manager, noise, samples).values();
            }
            String runId;
            try (TrackedRun tracked = run.reopen(trained)) {
                values.forEach((key, value) -> tracked.logMetric(key, value, trained.step()));
                tracked.end(RunStatus.FINISHED);
                runId = tracked.runId();
            }
            stdout.printf(Locale.ROOT, "%s at step %d (%s), logged to run %s:%n", trained.location().directory(),
                    trained.step(), trained.checkpoint().getFileName(), runId);
            values.forEach((key, value) -> stdout.printf(Locale.ROOT, "  %-28s %.6g%n", key, value));
        }
        stdout.flush();
        return 0;
    }
}
