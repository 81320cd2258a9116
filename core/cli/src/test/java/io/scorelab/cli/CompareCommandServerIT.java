package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.scorelab.runtime.TestMlflow;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.ServerTracker;
import io.scorelab.runtime.tracking.TrackedRun;
import io.scorelab.runtime.tracking.TrackingServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * {@code scorelab compare --tracking-uri} end to end, in process, against a real MLflow tracking
 * server, the one {@code SCORELAB_TEST_MLFLOW_URI} names (scripts/test.sh starts it): a sweep's
 * table, and its files logged into the sweep's parent run on the server.
 */
class CompareCommandServerIT {

    /** Where compare keeps the spool of a parent run on a server, in the working directory. */
    private static final Path SPOOL = Path.of("outputs/tracking-spool");

    private TrackingServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void findTheServer() {
        server = TrackingServer.of(TestMlflow.serverUri(), Map.of());
    }

    private static void child(ServerTracker tracker, String experiment, String parent, String loss, int seed,
            double mmd) {
        try (TrackedRun run = tracker.startRun(experiment, loss + "-" + seed, Map.of("mlflow.parentRunId", parent))) {
            run.logParams(Map.of("loss.name", loss, "seed", Integer.toString(seed)));
            run.logMetric("eval/mmd", mmd, 1000);
            run.end(RunStatus.FINISHED);
        }
    }

    private static List<Path> spools() throws IOException {
        if (!Files.isDirectory(SPOOL)) {
            return List.of();
        }
        try (Stream<Path> spools = Files.list(SPOOL)) {
            return spools.toList();
        }
    }

    @Test
    void theTableAndTheFilesArriveInTheParentRunOnTheServer() throws IOException {
        String experiment = "compare-cli-" + UUID.randomUUID().toString().substring(0, 8);
        ServerTracker tracker = new ServerTracker(server, ServerTracker.OnUnavailable.FAIL, dir.resolve("spool"),
                Duration.ofSeconds(10));
        String parent;
        try (TrackedRun run = tracker.startRun(experiment, "sweep", Map.of())) {
            parent = run.runId();
            run.end(RunStatus.FINISHED);
        }
        child(tracker, experiment, parent, "dsm", 1, 0.10);
        child(tracker, experiment, parent, "dsm", 2, 0.14);
        child(tracker, experiment, parent, "ncsn", 1, 0.20);
        boolean outputsExisted = Files.exists(SPOOL.getParent());
        List<Path> spools = new ArrayList<>(spools());

        CliRun run = CliRun.of("compare", "--tracking-uri", server.uri().toString(), "--experiment", experiment,
                "--metric", "eval/mmd", "--by", "loss.name", "--parent", parent,
                "--out", dir.resolve("out").toString());

        List<Path> parentSpools = new ArrayList<>(spools());
        parentSpools.removeAll(spools);
        assertThat(run.exitCode()).as(run.err()).isZero();
        // dsm: mean 0.12, std sqrt((0.02^2 + 0.02^2) / 1) = 0.02828; ncsn: one run, no std
        assertThat(run.out().lines().toList()).startsWith(
                "eval/mmd of experiment '" + experiment + "' by loss.name: 3 FINISHED runs, the last value of each;"
                        + " lower is better",
                "loss.name  runs  missing  mean      std  min   max  best",
                "dsm           2        0  0.12  0.02828  0.1  0.14  *",
                "ncsn          1        0   0.2           0.2   0.2");
        assertThat(run.out()).contains("selected: 3 of the 4 runs of experiment '" + experiment + "' by --parent "
                + parent, "logged them as artifacts compare/ of run " + parent + ", which stays FINISHED");

        String base = "compare-" + experiment + "-eval_mmd";
        try (MlflowClient client = new MlflowClient(server.hostCredentials())) {
            assertThat(client.getRun(parent).getInfo().getStatus()).isEqualTo(Service.RunStatus.FINISHED);
            // The Java client's listArtifacts runs a Python mlflow; the server's REST API lists them as well.
            JsonObject listing = JsonParser.parseString(client.sendGet("artifacts/list?run_id=" + parent
                    + "&path=compare")).getAsJsonObject();
            Map<String, Long> sizes = new TreeMap<>();
            for (JsonElement file : listing.getAsJsonArray("files")) {
                sizes.put(file.getAsJsonObject().get("path").getAsString(),
                        file.getAsJsonObject().get("file_size").getAsLong());
            }
            assertThat(sizes).containsOnly(
                    entry("compare/" + base + ".csv", Files.size(dir.resolve("out/" + base + ".csv"))),
                    entry("compare/" + base + ".md", Files.size(dir.resolve("out/" + base + ".md"))),
                    entry("compare/" + base + ".png", Files.size(dir.resolve("out/" + base + ".png"))));
        }

        // Everything reached the server, so the parent's spool is gone with its directory.
        assertThat(parentSpools).isEmpty();
        if (!outputsExisted && spools().isEmpty()) {
            Files.delete(SPOOL);
            Files.delete(SPOOL.getParent());
        }
    }
}
