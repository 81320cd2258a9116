package io.scorelab.cli;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.run.TrainedRun;
import io.scorelab.runtime.tracking.LocalStoreReader;
import io.scorelab.runtime.tracking.TrackingServer;
import io.scorelab.runtime.tracking.TrackingSync;
import io.scorelab.runtime.tracking.TrackingTarget;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code scorelab tracking}: moving runs to a tracking server. */
@Command(name = "tracking", mixinStandardHelpOptions = true, description = "Send runs to an MLflow tracking server.",
        subcommands = TrackingCommand.Sync.class)
final class TrackingCommand {

    /**
     * {@code scorelab tracking sync}: sends what a run could not send (its {@code tracking-spool/}),
     * or publishes a run of the local store; idempotent, so it can be run again after a failure.
     */
    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "Send a run to the tracking server: the requests a run directory's tracking-spool/ holds"
                    + " (the server was away), or a whole run of the local store (trained offline). Syncing again"
                    + " creates nothing twice.",
            footer = {"", "Examples:",
                "  scorelab tracking sync outputs/gmm-2d/2026-11-23_10-00-00",
                "  MLFLOW_TRACKING_URI=http://mlflow:5000 scorelab tracking sync mlruns/1234/3f9c6e0f5b2a4d7c9e1f0a2b3c4d5e6f"})
    static final class Sync implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RUN",
                description = "A run's output directory, a run directory of the local store, or a local run id.")
        private String target;

        @Option(names = "--uri", paramLabel = "URI",
                description = "The server (default: MLFLOW_TRACKING_URI; for a spool, the server it was recording to).")
        private String uri;

        @Option(names = "--tracking-root", paramLabel = "DIR", defaultValue = "mlruns",
                description = "The local store holding the run (default: ${DEFAULT-VALUE}).")
        private Path trackingRoot;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> environment = System.getenv();
            Path directory = Path.of(target);
            TrackingSync.Result result;
            String server;
            if (Files.isDirectory(directory) && !TrackingSync.hasSpool(directory)
                    && TrackingSync.sent(directory).isPresent()) {
                Map<String, String> sent = TrackingSync.sent(directory).get();
                out.printf("run %s on %s: everything was sent already%n", sent.get("run_id"), sent.get("server"));
                out.flush();
                return 0;
            }
            if (Files.isDirectory(directory) && TrackingSync.hasSpool(directory)) {
                TrackingServer destination = server(environment, TrackingSync.spoolServer(directory));
                server = destination.toString();
                result = new TrackingSync(destination).sendSpool(directory);
            } else {
                TrackingServer destination = server(environment, null);
                server = destination.toString();
                LocalStoreReader store;
                String runId;
                if (Files.isRegularFile(directory.resolve("meta.yaml"))) {
                    // mlruns/<experiment id>/<run id>
                    store = new LocalStoreReader(directory.toAbsolutePath().getParent().getParent());
                    runId = directory.getFileName().toString();
                } else {
                    store = new LocalStoreReader(trackingRoot);
                    runId = TrainedRun.locate(target, store).runId().orElseThrow(() -> new ScorelabException(
                            "no run in " + trackingRoot + " records " + target + ", and it holds no tracking-spool/"
                                    + " (use --tracking-root to point at its store)"));
                }
                result = new TrackingSync(destination).publishLocalRun(store, runId);
            }
            out.printf("run %s on %s: sent %d requests (%d metric points, %d artifacts)%n", result.runId(), server,
                    result.requests(), result.metricPoints(), result.artifacts());
            if (result.rejected()) {
                out.printf("the server refused some requests; they are kept in %s%n",
                        directory.resolve("tracking-spool").resolve("rejected.jsonl"));
            }
            out.flush();
            return result.rejected() ? 1 : 0;
        }

        private TrackingServer server(Map<String, String> environment, String recorded) {
            String chosen = uri != null ? uri : environment.getOrDefault(TrackingTarget.URI_VARIABLE, recorded);
            if (chosen == null || chosen.isBlank()) {
                throw new ScorelabException("no tracking server: give --uri http://host:port or set "
                        + TrackingTarget.URI_VARIABLE);
            }
            TrackingTarget destination = TrackingTarget.resolve(chosen, Path.of("."), environment);
            if (!(destination instanceof TrackingTarget.Server remote)) {
                throw new ScorelabException("tracking URI '" + chosen + "' is a local store; sync sends runs to a"
                        + " server: give --uri http://host:port");
            }
            return remote.server();
        }
    }
}
