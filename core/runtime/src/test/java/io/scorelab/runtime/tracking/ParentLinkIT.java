package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.scorelab.runtime.TestMlflow;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * A sweep's parent and child reaching a real MLflow server (the one {@code
 * SCORELAB_TEST_MLFLOW_URI} names) in either order, spooled or published from the local store:
 * the child ends up with the parent's server id as its {@code mlflow.parentRunId}.
 */
class ParentLinkIT {

    private TrackingServer server;

    @TempDir
    Path temp;

    @BeforeEach
    void findTheServer() {
        server = TrackingServer.of(TestMlflow.serverUri(), Map.of());
    }

    /** Spools a parent and a child the way a sweep does while the server is away: nothing reaches it. */
    private void spoolSweep() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TrackingServer away = TrackingServer.of("http://127.0.0.1:" + closedPort, Map.of());
        ServerTracker tracker = new ServerTracker(away, ServerTracker.OnUnavailable.SPOOL, temp.resolve("spools"),
                Duration.ofMillis(200));
        String experiment = "parent-link-" + UUID.randomUUID().toString().substring(0, 8);
        try (TrackedRun parent = tracker.startRun(experiment, "sweep", Map.of(), temp.resolve("parent"));
                TrackedRun child = tracker.startRun(experiment, "job-0",
                        Map.of(SpoolDrain.PARENT_TAG, parent.runId()), temp.resolve("child"))) {
            child.logMetric("train/loss", 1.0, 1);
            child.end(RunStatus.FINISHED);
            parent.end(RunStatus.FINISHED);
        }
        assertThat(TrackingSync.hasSpool(temp.resolve("parent"))).isTrue();
        assertThat(TrackingSync.hasSpool(temp.resolve("child"))).isTrue();
    }

    @Test
    void aSpooledChildSentBeforeItsParentIsLinkedWhenTheParentArrives() throws IOException {
        spoolSweep();
        TrackingSync sync = new TrackingSync(server);
        String child = sync.sendSpool(temp.resolve("child")).runId();
        String parent = sync.sendSpool(temp.resolve("parent")).runId();
        assertThat(parentOf(child)).isEqualTo(parent);
    }

    @Test
    void aSpooledChildSentAfterItsParentIsLinkedAtOnce() throws IOException {
        spoolSweep();
        TrackingSync sync = new TrackingSync(server);
        String parent = sync.sendSpool(temp.resolve("parent")).runId();
        String child = sync.sendSpool(temp.resolve("child")).runId();
        assertThat(parentOf(child)).isEqualTo(parent);
    }

    @Test
    void localRunsPublishedChildFirstAreLinkedAndPublishingAgainChangesNothing() {
        LocalTracker local = new LocalTracker(temp.resolve("mlruns"));
        String experiment = "parent-link-" + UUID.randomUUID().toString().substring(0, 8);
        String localParent;
        String localChild;
        try (TrackedRun parent = local.startRun(experiment, "sweep", Map.of());
                TrackedRun child = local.startRun(experiment, "job-0", Map.of(SpoolDrain.PARENT_TAG, parent.runId()))) {
            localParent = parent.runId();
            localChild = child.runId();
            child.end(RunStatus.FINISHED);
            parent.end(RunStatus.FINISHED);
        }
        LocalStoreReader store = new LocalStoreReader(temp.resolve("mlruns"));
        TrackingSync sync = new TrackingSync(server);
        String child = sync.publishLocalRun(store, localChild).runId();
        assertThat(parentOf(child)).as("the parent is not on the server yet").isEqualTo(localParent);
        String parent = sync.publishLocalRun(store, localParent).runId();
        assertThat(parentOf(child)).isEqualTo(parent);

        assertThat(sync.publishLocalRun(store, localChild).runId()).isEqualTo(child);
        assertThat(parentOf(child)).isEqualTo(parent);
    }

    private String parentOf(String runId) {
        try (MlflowClient client = new MlflowClient(server.hostCredentials())) {
            return client.getRun(runId).getData().getTagsList().stream()
                    .filter(tag -> tag.getKey().equals(SpoolDrain.PARENT_TAG))
                    .map(Service.RunTag::getValue)
                    .findFirst().orElse(null);
        }
    }
}
