package io.scorelab.cli;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.run.Evaluation;
import io.scorelab.runtime.run.TrainedRun;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorelab sample <run-dir | run id> [--n N] [--first K] [--out DIR] [--log] [overrides...]}. Row r of
 * the samples is sample K + r of the run's per-sample noise ({@code sample.seed}), so {@code --n 1 --first
 * k} reproduces sample k of the run's evaluation.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Sample from a trained run's checkpoint (EMA weights), with its sampler or another one.",
        footer = {"", "Examples:",
            "  scorelab sample outputs/quickstart/2026-11-23_10-00-00 --n 4000",
            "  scorelab sample outputs/quickstart/2026-11-23_10-00-00 --n 1 --first 137   # sample 137 of the run's evaluation",
            "  scorelab sample 3f2a...e1 sampler=ode sampler.solver=rk45 --log"})
final class SampleCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private TrainedRunTarget run;

    @Option(names = "--n", description = "Number of samples (default: the run's eval.samples).")
    private Integer n;

    @Option(names = "--first", description = "Index k of the first sample (default: the run's sample.first, 0):"
            + " sample k is the same in any batch and alone.")
    private Long first;

    @Option(names = "--out", description = "Directory for samples.npy/.csv/.png (default: <run>/sampled/<sampler>).")
    private Path out;

    @Option(names = "--log", description = "Also log the files (and eval/nfe) to the run in the tracking store.")
    private boolean log;

    @Override
    public Integer call() throws Exception {
        if (n != null && n < 1) {
            throw new ScorelabException("--n must be at least 1, got " + n);
        }
        if (first != null && (first < 0 || first >= SampleNoise.MAX_SAMPLES)) {
            throw new ScorelabException("--first must be a sample index in [0, " + SampleNoise.MAX_SAMPLES + "), got "
                    + first);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (TrainedRun trained = run.open();
                NDManager manager = trained.newManager()) {
            Config config = trained.config().config();
            String sampler = config.getString("sampler.name");
            int count = n != null ? n : Options.of(config, "eval").positiveInt("samples");
            SampleNoise configured = Evaluation.noise(config);
            Path directory = out != null ? out : trained.location().directory().resolve("sampled").resolve(sampler);
            Files.createDirectories(directory);
            long firstSample = first == null ? configured.first() : first;
            Evaluation.Result result;
            try (SampleNoise noise = first == null ? configured : new SampleNoise(configured.seed(), first)) {
                result = trained.evaluation(false).run(trained.model(), manager, noise, count);
            }
            List<Path> files = Evaluation.writeSamples(directory, "samples", result.samples(), trained.dataset(), manager,
                    result.trajectory(), trained.model(), trained.schedule());
            stdout.printf(Locale.ROOT, "%d samples with %s from %s (step %d): nfe %.0f, %.2f s; samples %d to %d of"
                    + " sample.seed %d%n", count, sampler, trained.checkpoint(), trained.step(),
                    result.values().get("eval/nfe"), result.values().get("eval/sampling_seconds"), firstSample,
                    firstSample + count - 1, configured.seed());
            files.forEach(file -> stdout.println("  " + file));
            if (log) {
                try (TrackedRun tracked = run.reopen(trained)) {
                    for (Path file : files) {
                        tracked.logArtifact(file, "sampled/" + sampler);
                    }
                    tracked.logMetric("eval/" + sampler + "/nfe", result.values().get("eval/nfe"), trained.step());
                    tracked.end(RunStatus.FINISHED);
                    stdout.println("logged to run " + tracked.runId());
                }
            }
        }
        stdout.flush();
        return 0;
    }
}
