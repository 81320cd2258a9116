package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.scorelab.runtime.TestMlflow;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.ServerTracker;
import io.scorelab.runtime.tracking.TrackedRun;
import io.scorelab.runtime.tracking.TrackingServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * Nothing logged is lost when the server goes away: a real MLflow server (its own, from {@code
 * SCORELAB_TEST_PYTHON}) is stopped in the middle of a run and started again on the same port, and
 * afterwards it holds every metric point, param, tag and artifact that was logged.
 */
class ServerOutageIT {

    private static final List<String> METRICS = List.of("train/loss", "train/grad_norm", "train/lr");

    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void stopServer() {
        stop();
    }

    @Test
    void theServerHoldsEverythingLoggedWhileItWasAway() throws Exception {
        String python = TestMlflow.python();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String uri = "http://127.0.0.1:" + port;
        start(python, port);

        ServerTracker tracker = new ServerTracker(TrackingServer.of(uri, Map.of()), ServerTracker.OnUnavailable.FAIL,
                dir.resolve("spool"), Duration.ofSeconds(60));
        Path runDir = Files.createDirectories(dir.resolve("run"));
        TrackedRun run = tracker.startRun("outage", "outage", Map.of("scorelab.test", "outage"), runDir);
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            params.put("p" + i, Integer.toString(i)); // two log-batch requests at least: at most 100 params each
        }
        params.put("long", "x".repeat(7000)); // over MLflow's 6000: recorded cut, the run goes on
        run.logParams(params);
        long step = 0;
        step = logFor(run, step, Duration.ofSeconds(2));
        run.logArtifact(artifact("before.txt"), null);

        stop();
        long whileAway = step;
        step = logFor(run, step, Duration.ofSeconds(4));
        whileAway = step - whileAway;
        run.logArtifact(artifact("during.txt"), "outage");
        run.logParams(Map.of("logged_while_away", "yes"));
        run.setTag("scorelab.outage", "during");
        assertThat(runDir.resolve("tracking-spool/journal.jsonl")).exists();

        start(python, port);
        step = logFor(run, step, Duration.ofSeconds(2));
        run.logArtifact(artifact("after.txt"), null);
        run.end(RunStatus.FINISHED);

        try (MlflowClient client = new MlflowClient(uri)) {
            Service.Run stored = client.getRun(run.runId());
            long onServer = 0;
            for (String key : METRICS) {
                List<Service.Metric> history = client.getMetricHistory(run.runId(), key);
                assertThat(history).as(key).hasSize((int) step);
                assertThat(history.stream().map(Service.Metric::getStep).distinct().count()).isEqualTo(step);
                onServer += history.size();
            }
            System.out.printf("outage test: %d metric points logged (%d while the server was away), %d on the"
                    + " server%n", step * METRICS.size(), whileAway * METRICS.size(), onServer);
            assertThat(whileAway).as("points logged while the server was away").isPositive();
            assertThat(stored.getData().getParamsList()).hasSize(152);
            assertThat(stored.getData().getParamsList()).filteredOn(p -> p.getKey().equals("long"))
                    .singleElement().satisfies(p -> assertThat(p.getValue()).hasSize(6000));
            assertThat(stored.getData().getTagsList()).anyMatch(t -> t.getKey().equals("scorelab.outage"));
            assertThat(stored.getInfo().getStatus()).isEqualTo(Service.RunStatus.FINISHED);
            assertThat(ServerArtifacts.list(uri, run.runId()))
                    .containsExactly("after.txt", "before.txt", "outage/during.txt");
            assertThat(ServerArtifacts.read(uri, run.runId(), "outage/during.txt")).isEqualTo("during.txt");
        }
        assertThat(runDir.resolve("tracking-spool")).as("the spool is removed once sent").doesNotExist();
    }

    /** Logs the three metrics once per millisecond or so, like a fast training loop, for a while. */
    private static long logFor(TrackedRun run, long step, Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        long next = step;
        while (System.nanoTime() < end) {
            for (String key : METRICS) {
                run.logMetric(key, Math.sin(next) + key.length(), next);
            }
            next++;
            Thread.sleep(1);
        }
        return next;
    }

    private Path artifact(String name) throws IOException {
        return Files.writeString(dir.resolve(name), name);
    }

    private void start(String python, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(python, "-m", "mlflow", "server", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--workers", "1",
                "--backend-store-uri", "sqlite:///" + dir.resolve("mlflow.db"),
                "--artifacts-destination", dir.resolve("server-artifacts").toString());
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        server = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("mlflow server exited: " + Files.readString(dir.resolve("server.log")));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        fail("mlflow server did not start in 120 s: " + Files.readString(dir.resolve("server.log")));
    }

    private void stop() {
        if (server == null) {
            return;
        }
        server.descendants().forEach(ProcessHandle::destroyForcibly);
        server.destroyForcibly();
        try {
            server.waitFor(30, TimeUnit.SECONDS);
            server.descendants().forEach(child -> child.onExit().join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
    }
}
