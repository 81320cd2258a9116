package io.scorelab.runtime.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.Dataset;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.ConfigComposer;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.config.SavedConfig;
import io.scorelab.runtime.engine.EngineSetup;
import io.scorelab.runtime.model.ModelOptions;
import io.scorelab.runtime.plugin.ComponentFactory;
import io.scorelab.runtime.plugin.PluginRegistry;
import io.scorelab.runtime.tracking.LocalStoreReader;
import io.scorelab.runtime.tracking.StoredRun;
import io.scorelab.runtime.training.Trainer;
import io.scorelab.runtime.training.TrainerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private final ResolvedConfig config;
    private final Location location;

    /**
     * Brings a run back: finds it, recomposes its saved configuration with the overrides (see {@link
     * SavedConfig}), configures and seeds the engine, and loads the weights of its last checkpoint.
     *
     * @param target a run directory or an MLflow run id of the local store
     * @param overrides config overrides, for example {@code sampler=ode sampler.steps=50}
     * @param store the local tracking store
     * @return the run, ready to sample
     * @throws ScorelabException for a missing run, a bad override or a corrupt checkpoint
     */
    public static TrainedRun open(String target, List<String> overrides, LocalStoreReader store) {
        Location location = locate(target, store);
        Path saved = location.directory().resolve("config.conf");
        List<String> all = new ArrayList<>(SavedConfig.addedKeys(saved, location.directory().resolve("overrides.txt")));
        all.addAll(overrides);
        String experiment = SavedConfig.asExperiment(saved, all);
        Path file;
        try {
            file = Files.createTempFile("scorelab-recomposed-", ".conf");
            Files.writeString(file, experiment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary file", e);
        }
        try {
            PluginRegistry registry = PluginRegistry.discover(
                    PluginRegistry.pluginDirectories(ConfigComposer.pluginDirectories(file, all)));
            ResolvedConfig config = new ConfigComposer(registry).compose(file, all);
            Options root = Options.of(config.config(), "");
            EngineSetup.configure(root.nonNegativeInt("threads"));
            Engine.getInstance().setRandomSeed((int) root.getLong("seed"));
            return new TrainedRun(config, registry, location);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover temporary file is harmless
            }
        }
    }

    private TrainedRun(ResolvedConfig config, PluginRegistry registry, Location location) {
        this.config = config;
        this.location = location;
        Path directory = location.directory();
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
     * Where a run is: its output directory and, when the store holds it, its MLflow run id.
     *
     * @param directory the output directory (config.conf, checkpoints/)
     * @param runId the run's id in the store, if found
     */
    public record Location(Path directory, Optional<String> runId) {}

    /**
     * Finds a run from a run directory (one holding {@code config.conf}) or an MLflow run id of the
     * local store, whose {@value #OUTPUT_DIR_TAG} tag names its directory. The other half is looked
     * up in the store: a directory's run is the run of its experiment tagged with that directory.
     *
     * @param target a run directory or an MLflow run id
     * @param store the local tracking store
     * @return the directory and, if the store has it, the run id
     * @throws ScorelabException if neither finds a run
     */
    public static Location locate(String target, LocalStoreReader store) {
        Path asPath = Path.of(target);
        if (Files.isDirectory(asPath)) {
            if (!Files.isRegularFile(asPath.resolve("config.conf"))) {
                throw new ScorelabException(target + " is a directory but not a run's output directory (no config.conf)");
            }
            return new Location(asPath, runOf(asPath, store));
        }
        if (!target.matches("[0-9a-f]{32}")) {
            throw new ScorelabException(target + " is neither a run directory nor an MLflow run id (32 hex digits)");
        }
        StoredRun run = store.run(target);
        String tagged = run.tags().get(OUTPUT_DIR_TAG);
        if (tagged == null) {
            throw new ScorelabException("run " + target + " has no " + OUTPUT_DIR_TAG + " tag: scorelab run did not make it");
        }
        Path directory = Path.of(tagged);
        if (!Files.isRegularFile(directory.resolve("config.conf"))) {
            throw new ScorelabException("run " + target + " was written to " + directory + ", which no longer holds its"
                    + " config.conf and checkpoints");
        }
        return new Location(directory, Optional.of(target));
    }

    private static Optional<String> runOf(Path directory, LocalStoreReader store) {
        if (!Files.isDirectory(store.root())) {
            return Optional.empty();
        }
        String experiment = ConfigFactory.parseFile(directory.resolve("config.conf").toFile())
                .getString("experiment.name");
        String absolute = directory.toAbsolutePath().normalize().toString();
        try {
            return store.runs(store.experimentId(experiment)).stream()
                    .filter(run -> run.tags().containsKey(OUTPUT_DIR_TAG)
                            && absolute.equals(Path.of(run.tags().get(OUTPUT_DIR_TAG)).normalize().toString()))
                    .map(StoredRun::runId)
                    .findFirst();
        } catch (ScorelabException noSuchExperiment) {
            return Optional.empty();
        }
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

    /** @return the run's configuration with the overrides applied */
    public ResolvedConfig config() {
        return config;
    }

    /** @return where the run is */
    public Location location() {
        return location;
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

    /**
     * @param withMetrics whether to compute the chosen metrics, or only sample
     * @return an evaluation with the run's (possibly overridden) data set, schedule, sampler and metrics
     */
    public Evaluation evaluation(boolean withMetrics) {
        return new Evaluation(components.dataset(), components.schedule(), components.sampler(),
                withMetrics ? components.metrics() : Map.of());
    }

    /** @return the run's forward process */
    public NoiseSchedule schedule() {
        return components.schedule();
    }

    /** @return the run's data set */
    public Dataset dataset() {
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
