package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.scorelab.runtime.TestMlflow;
import io.scorelab.runtime.tracking.LocalStoreReader;
import io.scorelab.runtime.tracking.StoredRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * The command line against the real MLflow server that scripts/test.sh starts ({@code
 * SCORELAB_TEST_MLFLOW_URI}): a run on the server records what the same run records in the local
 * store; an unreachable server fails the start, or spools; {@code tracking sync} sends a spool and
 * publishes a local run, and syncing again creates nothing twice.
 */
class ServerTrackingIT {

    private static final String SECRET = "hunter2-not-for-logs";

    @TempDir
    Path dir;

    /** A short quickstart: 200 steps, few samples; the same seed gives the same run in both stores. */
    private CliRun quickstart(Path where, String experiment, String... more) {
        List<String> overrides = new ArrayList<>(List.of("experiment.name=" + experiment, "trainer.steps=200",
                "trainer.log_every=20", "eval.samples=200", "+extra.api_key=" + SECRET));
        overrides.addAll(List.of(more));
        return CliRun.run(where, CliRun.QUICKSTART, overrides.toArray(String[]::new));
    }

    @Test
    void aRunOnTheServerRecordsWhatTheLocalStoreRecords() throws Exception {
        String uri = TestMlflow.serverUri();
        String experiment = "server-it-" + UUID.randomUUID().toString().substring(0, 8);
        CliRun local = quickstart(dir.resolve("local"), experiment);
        assertThat(local.exitCode()).as(local.err()).isZero();
        CliRun remote = quickstart(dir.resolve("remote"), experiment, "tracking.uri=\"" + uri + "\"");
        assertThat(remote.exitCode()).as(remote.err()).isZero();
        assertThat(remote.out()).contains("view it: " + uri);

        StoredRun stored = localRun(dir.resolve("local"));
        LocalStoreReader store = new LocalStoreReader(dir.resolve("local/mlruns"));
        try (MlflowClient client = new MlflowClient(uri)) {
            Service.Run run = onlyRun(client, experiment);
            assertThat(run.getInfo().getStatus()).isEqualTo(Service.RunStatus.FINISHED);
            Map<String, String> params = new TreeMap<>();
            run.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
            Map<String, String> localParams = new TreeMap<>(stored.params());
            // Only where the two runs wrote differs: their directories and the tracking URI.
            for (String differs : List.of("output.dir", "tracking.root", "tracking.uri")) {
                params.remove(differs);
                localParams.remove(differs);
            }
            assertThat(params).isEqualTo(localParams);
            assertThat(params.get("extra.api_key")).isEqualTo("[redacted]");
            assertThat(run.getData().getTagsList()).noneMatch(tag -> tag.getValue().contains(SECRET));

            List<String> tags = new ArrayList<>(run.getData().getTagsList().stream().map(Service.RunTag::getKey)
                    .filter(key -> !key.equals("scorelab.origin_id") && !key.startsWith("mlflow.log-model"))
                    .sorted().toList());
            assertThat(tags).containsAll(stored.tags().keySet());
            for (String key : stored.metrics()) {
                List<Service.Metric> history = client.getMetricHistory(run.getInfo().getRunId(), key);
                assertThat(history).as(key).hasSameSizeAs(store.metricHistory(stored, key));
                assertThat(history.stream().map(Service.Metric::getStep).sorted().toList()).as(key)
                        .isEqualTo(store.metricHistory(stored, key).stream().map(p -> p.step()).sorted().toList());
            }
            assertThat(run.getData().getMetricsList().stream().map(Service.Metric::getKey).sorted().toList())
                    .isEqualTo(stored.metrics().stream().sorted().toList());
            assertThat(ServerArtifacts.list(uri, run.getInfo().getRunId()))
                    .isEqualTo(localArtifacts(stored.directory().resolve("artifacts")));
            assertThat(ServerArtifacts.read(uri, run.getInfo().getRunId(), "config.conf")).doesNotContain(SECRET)
                    .contains("[redacted]");
        }
        assertThat(remote.out() + remote.err()).doesNotContain(SECRET);

        // eval on the run's directory logs to the server's run, which tracking-sent.json names
        Path remoteDir = onlyOutput(dir.resolve("remote/outputs"));
        CliRun eval = CliRun.of("eval", remoteDir.toString(), "eval.samples=200");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        String serverRunId;
        try (MlflowClient client = new MlflowClient(uri)) {
            serverRunId = onlyRun(client, experiment).getInfo().getRunId();
            assertThat(client.getMetricHistory(serverRunId, "eval/mmd")).hasSize(2);
        }
        // sample by the server's run id: the local store does not know it, the server's run names the directory
        CliRun sample = CliRun.of("sample", serverRunId, "--n", "50", "--tracking-uri", uri, "--log");
        assertThat(sample.exitCode()).as(sample.err()).isZero();
        assertThat(sample.out()).contains("logged to run " + serverRunId);
        assertThat(ServerArtifacts.list(uri, serverRunId)).contains("sampled/annealed_langevin/samples.png");
        String unknownId = "0123456789abcdef0123456789abcdef";
        CliRun unknown = CliRun.of("sample", unknownId, "--tracking-uri", uri);
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no run " + unknownId + " on " + uri).doesNotContain("\tat ");
        try (Stream<Path> files = Files.walk(dir.resolve("remote/outputs"))) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("tracking-spool"))).as("spool removed")
                    .isEmpty();
        }
    }

    @Test
    void anUnreachableServerFailsTheStartOrSpoolsForSync() throws Exception {
        String uri = TestMlflow.serverUri();
        String dead = "http://127.0.0.1:" + freePort();
        String experiment = "spool-it-" + UUID.randomUUID().toString().substring(0, 8);

        CliRun refused = quickstart(dir.resolve("refused"), experiment, "tracking.uri=\"" + dead + "\"");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("tracking server is unreachable").contains("tracking.on_unavailable=spool")
                .doesNotContain("\tat ");
        Path refusedOutputs = dir.resolve("refused/outputs").resolve(experiment);
        assertThat(refusedOutputs).as("no output directory is left for the run that did not start").isEmptyDirectory();

        CliRun spooled = quickstart(dir.resolve("spooled"), experiment, "tracking.uri=\"" + dead + "\"",
                "tracking.on_unavailable=spool", "tracking.flush_timeout=1");
        assertThat(spooled.exitCode()).as(spooled.err()).isZero();
        Path runDir = onlyOutput(dir.resolve("spooled/outputs"));
        assertThat(runDir.resolve("tracking-spool/journal.jsonl")).exists();

        CliRun sync = CliRun.of("tracking", "sync", runDir.toString(), "--uri", uri);
        assertThat(sync.exitCode()).as(sync.err()).isZero();
        assertThat(runDir.resolve("tracking-spool")).doesNotExist();
        CliRun again = CliRun.of("tracking", "sync", runDir.toString(), "--uri", uri);
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("everything was sent already");

        try (MlflowClient client = new MlflowClient(uri)) {
            Service.Run run = onlyRun(client, experiment);
            assertThat(run.getInfo().getStatus()).isEqualTo(Service.RunStatus.FINISHED);
            // 200 steps logged every 20: 10 points of train/loss, as the local store would have
            assertThat(client.getMetricHistory(run.getInfo().getRunId(), "train/loss")).hasSize(10);
            assertThat(ServerArtifacts.list(uri, run.getInfo().getRunId())).contains("config.conf", "samples.png",
                    "checkpoint/model.params");
        }
    }

    @Test
    void syncPublishesALocalRunOnce() throws Exception {
        String uri = TestMlflow.serverUri();
        String experiment = "publish-it-" + UUID.randomUUID().toString().substring(0, 8);
        CliRun local = quickstart(dir, experiment);
        assertThat(local.exitCode()).as(local.err()).isZero();
        StoredRun stored = localRun(dir);
        LocalStoreReader store = new LocalStoreReader(dir.resolve("mlruns"));
        Path output = onlyOutput(dir.resolve("outputs"));

        CliRun first = CliRun.of("tracking", "sync", output.toString(), "--uri", uri, "--tracking-root",
                dir.resolve("mlruns").toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRun second = CliRun.of("tracking", "sync", stored.directory().toString(), "--uri", uri);
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("(0 metric points,");

        try (MlflowClient client = new MlflowClient(uri)) {
            Service.Run run = onlyRun(client, experiment);
            assertThat(run.getInfo().getStatus()).isEqualTo(Service.RunStatus.FINISHED);
            assertThat(run.getInfo().getStartTime()).isEqualTo(stored.startTime());
            for (String key : stored.metrics()) {
                assertThat(client.getMetricHistory(run.getInfo().getRunId(), key)).as(key)
                        .hasSameSizeAs(store.metricHistory(stored, key));
            }
            assertThat(ServerArtifacts.list(uri, run.getInfo().getRunId()))
                    .isEqualTo(localArtifacts(stored.directory().resolve("artifacts")));
        }
    }

    private static Service.Run onlyRun(MlflowClient client, String experiment) {
        String id = client.searchExperiments("name = '" + experiment + "'").getItems().get(0).getExperimentId();
        List<Service.RunInfo> runs = client.searchRuns(List.of(id), "");
        assertThat(runs).as("runs of " + experiment).hasSize(1);
        return client.getRun(runs.get(0).getRunId());
    }

    private static StoredRun localRun(Path where) throws IOException {
        Path runDir = CliRun.onlyRun(where);
        return new LocalStoreReader(where.resolve("mlruns")).run(runDir.getFileName().toString());
    }

    private static Path onlyOutput(Path outputs) throws IOException {
        try (Stream<Path> configs = Files.walk(outputs, 4)) {
            List<Path> runs = configs.filter(p -> p.getFileName().toString().equals("config.conf"))
                    .map(Path::getParent).toList();
            assertThat(runs).hasSize(1);
            return runs.get(0);
        }
    }

    private static List<String> localArtifacts(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
