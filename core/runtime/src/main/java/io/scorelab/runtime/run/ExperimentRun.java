package io.scorelab.runtime.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.engine.EngineSetup;
import io.scorelab.runtime.model.ModelOptions;
import io.scorelab.runtime.plot.Plots;
import io.scorelab.runtime.plugin.ComponentFactory;
import io.scorelab.runtime.plugin.PluginRegistry;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import io.scorelab.runtime.tracking.Tracker;
import io.scorelab.runtime.training.Trainer;
import io.scorelab.runtime.training.TrainerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an experiment, start to end: create and validate the components (before any tensor),
 * open the MLflow run, train, evaluate every {@code eval.every} steps and at the end, write the
 * artifacts, and close the run as FINISHED, FAILED (with the reason in the tag
 * {@code scorelab.failure}) or KILLED.
 */
public final class ExperimentRun {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRun.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");

    private final ResolvedConfig config;
    private final PluginRegistry registry;
    private final Tracker tracker;
    private final Path outputDirectory;
    private final Map<String, String> tags;

    /**
     * @param config the resolved configuration
     * @param registry the plugins
     * @param tracker where the run is recorded
     */
    public ExperimentRun(ResolvedConfig config, PluginRegistry registry, Tracker tracker) {
        this(config, registry, tracker, null, Map.of());
    }

    /**
     * A run with a given directory and extra tags, such as a job of a sweep.
     *
     * @param config the resolved configuration
     * @param registry the plugins
     * @param tracker where the run is recorded
     * @param outputDirectory the run's directory (created if missing), or null for a new
     *     {@code <output.dir>/<experiment>/<YYYY-MM-DD_HH-mm-ss>/}
     * @param tags tags set on the run besides the provenance tags (these win), for example
     *     {@code mlflow.parentRunId}; an {@code mlflow.runName} among them names the run
     */
    public ExperimentRun(ResolvedConfig config, PluginRegistry registry, Tracker tracker, Path outputDirectory,
            Map<String, String> tags) {
        this.config = config;
        this.registry = registry;
        this.tracker = tracker;
        this.outputDirectory = outputDirectory;
        this.tags = Map.copyOf(tags);
    }

    /**
     * @param listener hears progress
     * @return how the run went
     * @throws ScorelabException for a user's mistake, after marking the run FAILED
     */
    public RunSummary execute(RunListener listener) {
        long started = System.nanoTime();
        Options root = Options.of(config.config(), "");
        RunComponents components = RunComponents.create(new ComponentFactory(registry, config.config()), config);
        TrainerOptions trainerOptions = TrainerOptions.from(Options.of(config.config(), "trainer"));
        Options eval = Options.of(config.config(), "eval");
        int evalEvery = eval.nonNegativeInt("every");
        int evalSamples = eval.positiveInt("samples");
        ModelOptions model = ModelOptions.from(Options.of(config.config(), "model"));
        String experimentName = root.getString("experiment.name");
        long seed = root.getLong("seed");

        Device device = EngineSetup.device(root.getString("device"));
        Path outputDirectory = this.outputDirectory != null ? createDirectory(this.outputDirectory)
                : createOutputDirectory(Path.of(root.getString("output.dir")), experimentName);
        writeText(outputDirectory.resolve("config.conf"), config.render());
        writeText(outputDirectory.resolve("overrides.txt"), String.join("\n", config.redactedOverrides()) + "\n");

        String runName = tags.getOrDefault("mlflow.runName", experimentName + "/" + outputDirectory.getFileName());
        Map<String, String> runTags = new LinkedHashMap<>(Provenance.tags(config, registry, device, runName));
        runTags.putAll(tags);
        StopHook<TrackedRun> killed = StopHook.register("scorelab-run-killed", created -> created.end(RunStatus.KILLED));
        TrackedRun run;
        try {
            run = tracker.startRun(experimentName, runName, runTags, outputDirectory);
        } catch (RuntimeException | Error e) {
            killed.notCreated();
            if (this.outputDirectory == null) {
                discard(outputDirectory); // no run, so no trace of it: nothing refers to this directory
            }
            throw e;
        }
        killed.created(run);
        try {
            run.setTag(TrainedRun.OUTPUT_DIR_TAG, outputDirectory.toAbsolutePath().toString());
            run.logParams(config.flatten());
            run.logArtifact(outputDirectory.resolve("config.conf"), null);
            listener.onStart(outputDirectory, run.runId(), trainerOptions.steps());
            Engine.getInstance().setRandomSeed((int) seed);
            RunSummary summary = train(run, listener, outputDirectory, device, trainerOptions, evalEvery, evalSamples,
                    components, model, started);
            run.end(RunStatus.FINISHED);
            return summary;
        } catch (RuntimeException | Error e) {
            String reason = e instanceof ScorelabException ? e.getMessage() : e.toString();
            try {
                run.setTag("scorelab.failure", reason.length() > 4000 ? reason.substring(0, 4000) : reason);
                run.end(RunStatus.FAILED);
            } catch (IllegalStateException ended) {
                e.addSuppressed(ended); // the shutdown hook already ended the run as KILLED
            }
            throw e;
        } finally {
            killed.remove();
        }
    }

    private RunSummary train(
            TrackedRun run,
            RunListener listener,
            Path outputDirectory,
            Device device,
            TrainerOptions options,
            int evalEvery,
            int evalSamples,
            RunComponents components,
            ModelOptions model,
            long started) {
        List<double[]> lossCurve = new ArrayList<>();
        Map<String, Double> lastEvaluation = Map.of();
        double trainingSeconds = 0;
        try (Trainer trainer = new Trainer(options, components.dataset(), components.schedule(), components.loss(),
                components.architecture(), model, components.autograd(), device)) {
            run.setTag("scorelab.parameters", Long.toString(trainer.parameterCount()));
            if (model.initFrom().isPresent()) {
                Path checkpoint = Files.isDirectory(model.initFrom().get().resolve("checkpoints"))
                        ? TrainedRun.lastCheckpoint(model.initFrom().get()) : model.initFrom().get();
                try {
                    trainer.loadCheckpoint(checkpoint);
                } catch (IOException e) {
                    throw new ScorelabException("model.init_from = " + model.initFrom().get() + ": cannot read "
                            + checkpoint + ": " + e.getMessage(), e);
                }
                run.setTag("scorelab.init_from", checkpoint.toAbsolutePath().toString());
                LOG.info("starting from {} at step {}", checkpoint, trainer.step());
            }
            RunListener tracking = new RunListener() {
                @Override
                public void onStep(long step) {
                    listener.onStep(step);
                }

                @Override
                public void onLog(long step, Map<String, Double> values) {
                    values.forEach((key, value) -> run.logMetric(key, value, step));
                    lossCurve.add(new double[] {step, values.get("train/loss")});
                    listener.onLog(step, values);
                }
            };
            while (trainer.step() < options.steps()) {
                long next = options.steps();
                if (evalEvery > 0) {
                    next = Math.min(next, (trainer.step() / evalEvery + 1) * evalEvery);
                }
                if (options.checkpointEvery() > 0) {
                    next = Math.min(next, (trainer.step() / options.checkpointEvery() + 1) * options.checkpointEvery());
                }
                long trainingStart = System.nanoTime();
                trainer.train(next, tracking);
                trainingSeconds += (System.nanoTime() - trainingStart) / 1e9;
                if (options.checkpointEvery() > 0 && trainer.step() % options.checkpointEvery() == 0
                        && trainer.step() < options.steps()) {
                    save(trainer, outputDirectory.resolve("checkpoints").resolve("step-" + trainer.step()));
                }
                if (evalEvery > 0 && trainer.step() % evalEvery == 0 && trainer.step() < options.steps()) {
                    lastEvaluation = evaluate(run, listener, trainer, components, evalSamples, null);
                }
            }
            Path finalCheckpoint = outputDirectory.resolve("checkpoints").resolve("final");
            save(trainer, finalCheckpoint);
            lastEvaluation = evaluate(run, listener, trainer, components, evalSamples, outputDirectory);
            for (String file : List.of("model.params", "ema.params", "optimizer.bin")) {
                run.logArtifact(finalCheckpoint.resolve(file), "checkpoint");
            }
            if (!lossCurve.isEmpty()) {
                Path lossPlot = outputDirectory.resolve("loss.png");
                Plots.lines(lossPlot, "training loss", "step", "train/loss",
                        Map.of("train/loss", transpose(lossCurve)), true);
                run.logArtifact(lossPlot, null);
            }
            double totalSeconds = (System.nanoTime() - started) / 1e9;
            run.logMetric("run/training_seconds", trainingSeconds, trainer.step());
            run.logMetric("run/total_seconds", totalSeconds, trainer.step());
            LOG.info("finished {} steps in {} s ({} steps/s)", trainer.step(), trainingSeconds, trainer.step() / trainingSeconds);
            return new RunSummary(run.runId(), outputDirectory, lastEvaluation, trainingSeconds, totalSeconds, trainer.step());
        }
    }

    private Map<String, Double> evaluate(
            TrackedRun run,
            RunListener listener,
            Trainer trainer,
            RunComponents components,
            int n,
            Path artifacts) {
        long step = trainer.step();
        Evaluation evaluation = new Evaluation(
                components.dataset(), components.schedule(), components.sampler(), components.metrics());
        Map<String, Double> values;
        try (NDManager manager = trainer.newManager();
                SampleNoise noise = Evaluation.noise(config.config())) {
            Evaluation.Result result = evaluation.run(trainer.emaModel(), manager, noise, n);
            values = result.values();
            values.forEach((key, value) -> run.logMetric(key, value, step));
            if (artifacts != null) {
                for (Path file : Evaluation.writeSamples(artifacts, "samples", result.samples(), components.dataset(), manager,
                        result.trajectory(), trainer.emaModel(), components.schedule())) {
                    run.logArtifact(file, null);
                }
            }
        }
        listener.onEvaluation(step, values);
        return values;
    }

    private static double[][] transpose(List<double[]> points) {
        double[][] series = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            series[0][i] = points.get(i)[0];
            series[1][i] = points.get(i)[1];
        }
        return series;
    }

    private static void save(Trainer trainer, Path directory) {
        try {
            trainer.saveCheckpoint(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + directory, e);
        }
    }

    private static Path createOutputDirectory(Path root, String experimentName) {
        String stamp = LocalDateTime.now().format(STAMP);
        Path parent = root.resolve(experimentName.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.createDirectories(parent);
            for (int attempt = 0; ; attempt++) {
                Path candidate = parent.resolve(attempt == 0 ? stamp : stamp + "_" + attempt);
                try {
                    return Files.createDirectory(candidate);
                } catch (FileAlreadyExistsException e) {
                    // another run started in the same second: take the next suffix
                }
            }
        } catch (IOException e) {
            throw new ScorelabException("cannot create the output directory under " + parent + ": " + e.getMessage(), e);
        }
    }

    private static Path createDirectory(Path directory) {
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ScorelabException("cannot create the output directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Removes an output directory made for a run that could not start: its two files, then the directory if empty. */
    private static void discard(Path outputDirectory) {
        try {
            Files.deleteIfExists(outputDirectory.resolve("config.conf"));
            Files.deleteIfExists(outputDirectory.resolve("overrides.txt"));
            Files.deleteIfExists(outputDirectory);
        } catch (DirectoryNotEmptyException e) {
            // something else was put there: it stays
        } catch (IOException e) {
            LOG.warn("cannot remove {}, made for the run that did not start: {}", outputDirectory, e.toString());
        }
    }

    private static void writeText(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
