package io.scorelab.cli;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.run.TrainedRun;
import io.scorelab.runtime.tracking.LocalStoreReader;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.TrackedRun;
import io.scorelab.runtime.tracking.ServerTracker;
import io.scorelab.runtime.tracking.TrackingServer;
import io.scorelab.runtime.tracking.TrackingSync;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The arguments of the commands that work on a trained run: the run, config overrides, the store. */
final class TrainedRunTarget {

    @Parameters(index = "0", paramLabel = "RUN", description = "A run's output directory or its MLflow run id.")
    private String target;

    @Parameters(index = "1..*", paramLabel = "OVERRIDE", description = "Config overrides, e.g. sampler=ode.")
    private List<String> overrides = List.of();

    @Option(names = "--tracking-root", defaultValue = "mlruns", description = "The local MLflow store (default: ${DEFAULT-VALUE}).")
    private Path trackingRoot;

    /** @return the run, its configuration recomposed with the overrides, its last checkpoint loaded */
    TrainedRun open() {
        return TrainedRun.open(target, overrides, new LocalStoreReader(trackingRoot));
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
