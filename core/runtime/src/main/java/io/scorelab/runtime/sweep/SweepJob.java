package io.scorelab.runtime.sweep;

import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.plugin.PluginRegistry;
import io.scorelab.runtime.run.ExperimentRun;
import io.scorelab.runtime.run.RunListener;
import io.scorelab.runtime.run.RunSummary;
import io.scorelab.runtime.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One job of a sweep, run in this process: by the {@code local} launcher, or by a worker process
 * that the {@code parallel} launcher started with the command line's single-run entry point. The
 * run writes into the job's directory and is a child of the sweep's MLflow run
 * ({@code mlflow.parentRunId}); its id goes to the file {@value #RUN_ID_FILE} in the job's
 * directory as soon as the run exists, so the sweep finds it whatever becomes of the process.
 */
public final class SweepJob {

    /** The file in a job's directory that holds its MLflow run id. */
    public static final String RUN_ID_FILE = "run_id";
    /** The tag with the job's index in its sweep. */
    public static final String JOB_TAG = "scorelab.sweep.job";
    /** MLflow's tag of a child run's parent. */
    public static final String PARENT_TAG = "mlflow.parentRunId";

    private SweepJob() {}

    /**
     * @param config the job's resolved configuration
     * @param registry the plugins
     * @param tracker where the run is recorded
     * @param directory the job's directory, {@code <sweep directory>/<index>}
     * @param parentRunId the sweep's MLflow run
     * @param index the job's index in the sweep
     * @param listener hears the run
     * @return how the run went
     * @throws io.scorelab.api.ScorelabException for a user's mistake, after marking the run FAILED
     */
    public static RunSummary run(ResolvedConfig config, PluginRegistry registry, Tracker tracker, Path directory,
            String parentRunId, int index, RunListener listener) {
        String runName = config.config().getString("experiment.name") + "/" + directory.getParent().getFileName()
                + "/" + index;
        Map<String, String> tags = Map.of(PARENT_TAG, parentRunId, JOB_TAG, Integer.toString(index),
                "mlflow.runName", runName);
        RunListener recording = new RunListener() {
            @Override
            public void onStart(Path outputDirectory, String runId, long totalSteps) {
                write(outputDirectory.resolve(RUN_ID_FILE), runId);
                listener.onStart(outputDirectory, runId, totalSteps);
            }

            @Override
            public void onStep(long step) {
                listener.onStep(step);
            }

            @Override
            public void onLog(long step, Map<String, Double> metrics) {
                listener.onLog(step, metrics);
            }

            @Override
            public void onEvaluation(long step, Map<String, Double> metrics) {
                listener.onEvaluation(step, metrics);
            }
        };
        return new ExperimentRun(config, registry, tracker, directory, tags).execute(recording);
    }

    /** @return the run id a job wrote into its directory, if its run started */
    public static Optional<String> runId(Path directory) {
        Path file = directory.resolve(RUN_ID_FILE);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
