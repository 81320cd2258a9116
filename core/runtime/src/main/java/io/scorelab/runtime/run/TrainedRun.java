package io.scorelab.runtime.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.engine.EngineSetup;
import io.scorelab.runtime.model.ModelOptions;
import io.scorelab.runtime.plugin.ComponentFactory;
import io.scorelab.runtime.plugin.PluginRegistry;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.training.Trainer;
import io.scorelab.runtime.training.TrainerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A finished (or checkpointed) run brought back: its components from its configuration (with any
 * overrides, for example another sampler) and its weights from its last checkpoint, for {@code
 * scorelab sample} and {@code scorelab eval}.
 */
public final class TrainedRun implements AutoCloseable {

    /** The tag that records a run's output directory in the tracking store. */
    public static final String OUTPUT_DIR_TAG = "scorelab.output_dir";

    private static final Pattern STEP = Pattern.compile("step-(\\d+)");

    private final RunComponents components;
    private final Trainer trainer;
    private final Path checkpoint;

    /**
     * @param config the run's configuration, recomposed with the caller's overrides
     * @param registry the plugins
     * @param directory the run's output directory
     */
    public TrainedRun(ResolvedConfig config, PluginRegistry registry, Path directory) {
        Options root = Options.of(config.config(), "");
        this.components = RunComponents.create(new ComponentFactory(registry, config.config()), config);
        this.checkpoint = lastCheckpoint(directory);
        Device device = EngineSetup.device(root.getString("device"));
        this.trainer = new Trainer(TrainerOptions.from(Options.of(config.config(), "trainer")), components.dataset(),
                components.schedule(), components.loss(), components.architecture(),
                ModelOptions.from(Options.of(config.config(), "model")), components.autograd(), device);
        try {
            trainer.loadCheckpoint(checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + checkpoint, e);
        }
    }

    /**
     * Finds a run's output directory: the target itself when it is a directory holding {@code
     * config.conf}, otherwise a run id of the local store whose {@value #OUTPUT_DIR_TAG} tag names it.
     *
     * @param target a run directory or an MLflow run id
     * @param store the local tracking store
     * @return the output directory
     * @throws ScorelabException if neither finds a run
     */
    public static Path locate(String target, LocalTracker store) {
        Path asPath = Path.of(target);
        if (Files.isDirectory(asPath)) {
            if (!Files.isRegularFile(asPath.resolve("config.conf"))) {
                throw new ScorelabException(target + " is a directory but not a run's output directory (no config.conf)");
            }
            return asPath;
        }
        if (!target.matches("[0-9a-f]{32}")) {
            throw new ScorelabException(target + " is neither a run directory nor an MLflow run id (32 hex digits)");
        }
        Path directory = store.tag(target, OUTPUT_DIR_TAG).map(Path::of).orElseThrow(() -> new ScorelabException(
                "run " + target + " has no " + OUTPUT_DIR_TAG + " tag: it was not made by scorelab run"));
        if (!Files.isRegularFile(directory.resolve("config.conf"))) {
            throw new ScorelabException("run " + target + " was written to " + directory + ", which no longer holds its"
                    + " config.conf and checkpoints");
        }
        return directory;
    }

    /** @return the final checkpoint, or else the one of the highest step */
    static Path lastCheckpoint(Path directory) {
        Path checkpoints = directory.resolve("checkpoints");
        if (Files.isDirectory(checkpoints.resolve("final"))) {
            return checkpoints.resolve("final");
        }
        try (Stream<Path> entries = Files.isDirectory(checkpoints) ? Files.list(checkpoints) : Stream.empty()) {
            Optional<Path> latest = entries.filter(p -> STEP.matcher(p.getFileName().toString()).matches())
                    .max(Comparator.comparingLong(TrainedRun::stepOf));
            return latest.orElseThrow(() -> new ScorelabException("run directory " + directory + " has no checkpoint"
                    + " (expected " + checkpoints.resolve("final") + " or step-N directories)"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + checkpoints, e);
        }
    }

    private static long stepOf(Path checkpoint) {
        Matcher m = STEP.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** @return the checkpoint the weights came from */
    public Path checkpoint() {
        return checkpoint;
    }

    /** @return the training step of the checkpoint */
    public long step() {
        return trainer.step();
    }

    /** @return the model with the averaged (EMA) weights */
    public ScoreFunction model() {
        return trainer.emaModel();
    }

    /** @return an evaluation with the run's (possibly overridden) data set, schedule, sampler and metrics */
    public Evaluation evaluation() {
        return new Evaluation(components.dataset(), components.schedule(), components.sampler(), components.metrics());
    }

    /** @return the run's data set */
    public io.scorelab.api.Dataset dataset() {
        return components.dataset();
    }

    /** @return a scratch manager on the model's device */
    public NDManager newManager() {
        return trainer.newManager();
    }

    @Override
    public void close() {
        trainer.close();
    }
}
