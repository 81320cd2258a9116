package io.scorelab.cli;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.compare.ServerRunSource;
import io.scorelab.runtime.run.TrainedRun;
import io.scorelab.runtime.tracking.LocalStoreReader;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.TrackedRun;
import io.scorelab.runtime.tracking.ServerTracker;
import io.scorelab.runtime.tracking.TrackingServer;
import io.scorelab.runtime.tracking.TrackingSync;
import io.scorelab.runtime.tracking.TrackingTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The arguments of the commands that work on a trained run: the run, config overrides, the store. */
final class TrainedRunTarget {

    @Parameters(index = "0", paramLabel = "RUN",
            description = "A run's output directory or its MLflow run id (in the local store or on the tracking server).")
    private String target;

    @Parameters(index = "1..*", paramLabel = "OVERRIDE", description = "Config overrides, e.g. sampler=ode.")
    private List<String> overrides = List.of();

    @Option(names = "--tracking-root", defaultValue = "mlruns", description = "The local MLflow store (default: ${DEFAULT-VALUE}).")
    private Path trackingRoot;

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "The MLflow tracking server to ask for a run id"
            + " the local store does not hold (default: MLFLOW_TRACKING_URI).")
    private String trackingUri;

    /** @return the run, its configuration recomposed with the overrides, its last checkpoint loaded */
    TrainedRun open() {
        LocalStoreReader store = new LocalStoreReader(trackingRoot);
        return TrainedRun.open(onThisMachine(store), overrides, store);
    }

    /**
     * @return the target; for the id of a run that only the tracking server records (a run that
     *     tracked to the server), the output directory the server's run names in its {@value
     *     TrainedRun#OUTPUT_DIR_TAG} tag, which must be on this machine
     */
    private String onThisMachine(LocalStoreReader store) {
        if (!target.matches("[0-9a-f]{32}") || Files.exists(Path.of(target)) || inStore(store)
                || !(TrackingTarget.resolve(trackingUri, trackingRoot, System.getenv())
                        instanceof TrackingTarget.Server remote)) {
            return target; // TrainedRun finds it, or says why not
        }
        Map<String, String> tags;
        try (ServerRunSource server = new ServerRunSource(remote.server())) {
            tags = server.tags(target);
        }
        String directory = tags.get(TrainedRun.OUTPUT_DIR_TAG);
        if (directory == null) {
            throw new ScorelabException("run " + target + " on " + remote.server() + " has no "
                    + TrainedRun.OUTPUT_DIR_TAG + " tag: scorelab run did not make it");
        }
        if (!Files.isRegularFile(Path.of(directory, "config.conf"))) {
            throw new ScorelabException("run " + target + " on " + remote.server() + " was written to " + directory
                    + ", which is not on this machine or no longer holds its config.conf and checkpoints: copy that"
                    + " directory here and give its path instead of the run id");
        }
        return directory;
    }

    private boolean inStore(LocalStoreReader store) {
        try {
            store.run(target);
            return true;
        } catch (ScorelabException notThere) {
            return false;
        }
    }

    /**
     * Reattaches to the run, to log more to it: on the tracking server its directory's {@code
     * tracking-sent.json} names, else in the local store.
     *
     * @throws ScorelabException if neither records the run
     */
    TrackedRun reopen(TrainedRun trained) {
        Path directory = trained.location().directory();
        Optional<Map<String, String>> sent = TrackingSync.sent(directory);
        if (sent.isPresent()) {
            TrackingServer server = TrackingServer.of(sent.get().get("server"), System.getenv());
            return new ServerTracker(server, ServerTracker.OnUnavailable.FAIL, directory, Duration.ofSeconds(10))
                    .openRun(sent.get().get("run_id"), directory);
        }
        String runId = trained.location().runId().orElseThrow(() -> new ScorelabException(
                "no run in " + trackingRoot + " records " + trained.location().directory()
                        + " (use --tracking-root to point at its store)"));
        return new LocalTracker(trackingRoot).openRun(runId);
    }
}
