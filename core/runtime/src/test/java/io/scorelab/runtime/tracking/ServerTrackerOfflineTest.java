package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that is not there: the run fails to start, or everything logged lands in the spool. */
class ServerTrackerOfflineTest {

    @TempDir
    Path dir;

    private static TrackingServer deadServer() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return TrackingServer.of("http://127.0.0.1:" + socket.getLocalPort(), Map.of("MLFLOW_TRACKING_TOKEN",
                    "token-that-must-not-leak"));
        }
    }

    @Test
    void failStopsTheStartAndLeavesNoSpool() throws Exception {
        ServerTracker tracker = new ServerTracker(deadServer(), ServerTracker.OnUnavailable.FAIL, dir,
                Duration.ofSeconds(1));
        assertThatThrownBy(() -> tracker.startRun("exp", "r", Map.of(), dir.resolve("run")))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("unreachable")
                .hasMessageContaining("tracking.on_unavailable=spool");
        assertThat(dir.resolve("run/tracking-spool")).doesNotExist();
    }

    @Test
    void spoolRecordsEveryPointParamTagAndArtifact() throws Exception {
        ServerTracker tracker = new ServerTracker(deadServer(), ServerTracker.OnUnavailable.SPOOL, dir,
                Duration.ofMillis(500));
        Path runDir = dir.resolve("run");
        TrackedRun run = tracker.startRun("exp", "r", Map.of("t", "token-that-must-not-leak"), runDir);
        assertThat(run.runId()).matches("[0-9a-f]{32}");
        run.logParams(Map.of("a", "1", "b", "2"));
        for (int step = 0; step < 5000; step++) {
            run.logMetric("train/loss", 1.0 / (step + 1), step);
        }
        run.setTag("scorelab.note", "offline");
        run.logArtifact(Files.writeString(dir.resolve("x.txt"), "x"), "files");
        run.end(RunStatus.FINISHED);

        Spool spool = Spool.open(runDir.resolve(Spool.DIRECTORY));
        long points = 0;
        int params = 0;
        int artifacts = 0;
        int ends = 0;
        for (SpoolEntry entry : spool.pendingEntries()) {
            if (entry instanceof SpoolEntry.Batch batch) {
                points += batch.metrics().size();
                params += batch.params().size();
            } else if (entry instanceof SpoolEntry.Artifact artifact) {
                artifacts++;
                assertThat(spool.stagedFile(artifact.stagedFile())).hasContent("x");
                assertThat(artifact.path()).isEqualTo("files/x.txt");
            } else {
                ends++;
            }
        }
        assertThat(points).isEqualTo(5000);
        assertThat(params).isEqualTo(2);
        assertThat(artifacts).isEqualTo(1);
        assertThat(ends).isEqualTo(1);
        assertThat(spool.header().tags()).containsEntry("t", TrackingServer.REDACTED);
        assertThat(Files.readString(runDir.resolve(Spool.DIRECTORY).resolve("journal.jsonl")))
                .doesNotContain("token-that-must-not-leak");
    }

    @Test
    void paramsAreImmutableAsInTheLocalStore() throws Exception {
        ServerTracker tracker = new ServerTracker(deadServer(), ServerTracker.OnUnavailable.SPOOL, dir,
                Duration.ofMillis(200));
        try (TrackedRun run = tracker.startRun("exp", "r", Map.of(), dir.resolve("run"))) {
            run.logParams(Map.of("a", "1"));
            run.logParams(Map.of("a", "1"));
            assertThatThrownBy(() -> run.logParams(Map.of("a", "2"))).isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("immutable");
            assertThatThrownBy(() -> run.logMetric("bad//key", 1, 0)).isInstanceOf(ScorelabException.class);
            run.end(RunStatus.FINISHED);
        }
    }
}
