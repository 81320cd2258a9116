package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTrackerTest {

    @TempDir
    Path temp;

    private Path root() {
        return temp.resolve("mlruns");
    }

    private FlatYaml meta(Path dir) throws IOException {
        return FlatYaml.parse(Files.readString(dir.resolve("meta.yaml")), dir);
    }

    @Test
    void writesMlflowsLayout() throws IOException {
        LocalTracker tracker = new LocalTracker(root());
        long before = System.currentTimeMillis();
        TrackedRun run = tracker.startRun("gmm", "first", Map.of("mlflow.source.name", "scorelab"));

        assertThat(root().resolve(".trash")).isDirectory();
        FlatYaml defaultExperiment = meta(root().resolve("0"));
        assertThat(defaultExperiment.string("name")).isEqualTo("Default");
        assertThat(defaultExperiment.string("experiment_id")).isEqualTo("0");
        assertThat(defaultExperiment.string("artifact_location")).isEqualTo(root().toUri().toString() + "0");

        Path experimentDir = root().resolve(run.experimentId());
        assertThat(run.experimentId()).matches("[1-9][0-9]{17}");
        String experimentYaml = Files.readString(experimentDir.resolve("meta.yaml"));
        assertThat(experimentYaml).contains("experiment_id: \"" + run.experimentId() + "\"\n",
                "lifecycle_stage: \"active\"\n", "name: \"gmm\"\n",
                "artifact_location: \"" + root().toUri() + run.experimentId() + "\"\n");
        assertThat(meta(experimentDir).number("creation_time")).isBetween(before, System.currentTimeMillis());
        assertThat(meta(experimentDir).number("last_update_time")).isNotNull();

        Path runDir = experimentDir.resolve(run.runId());
        assertThat(run.runId()).matches("[0-9a-f]{32}");
        FlatYaml runMeta = meta(runDir);
        assertThat(runMeta.string("run_id")).isEqualTo(run.runId());
        assertThat(runMeta.string("run_uuid")).isEqualTo(run.runId());
        assertThat(runMeta.string("run_name")).isEqualTo("first");
        assertThat(runMeta.string("experiment_id")).isEqualTo(run.experimentId());
        assertThat(runMeta.string("artifact_uri"))
                .isEqualTo(root().toUri() + run.experimentId() + "/" + run.runId() + "/artifacts");
        assertThat(runMeta.number("status")).isEqualTo(1L);
        assertThat(runMeta.string("end_time")).isNull();
        assertThat(runMeta.number("start_time")).isBetween(before, System.currentTimeMillis());
        assertThat(runMeta.string("lifecycle_stage")).isEqualTo("active");
        assertThat(runMeta.string("user_id")).isEqualTo(System.getProperty("user.name"));
        assertThat(runMeta.number("source_type")).isEqualTo(4L);
        assertThat(runMeta.string("source_name")).isEmpty();
        assertThat(runMeta.string("entry_point_name")).isEmpty();
        assertThat(runMeta.string("source_version")).isEmpty();
        assertThat(Files.readString(runDir.resolve("meta.yaml"))).contains("tags: []\n");
        for (String folder : List.of("params", "metrics", "tags", "artifacts")) {
            assertThat(runDir.resolve(folder)).isDirectory();
        }
        assertThat(runDir.resolve("tags/mlflow.runName")).hasContent("first");
        assertThat(runDir.resolve("tags/mlflow.user")).hasContent(System.getProperty("user.name"));
        assertThat(runDir.resolve("tags/mlflow.source.name")).hasContent("scorelab");

        run.end(RunStatus.FINISHED);
        FlatYaml ended = meta(runDir);
        assertThat(ended.number("status")).isEqualTo(3L);
        assertThat(ended.number("end_time")).isBetween(ended.number("start_time"), System.currentTimeMillis());
        try (Stream<Path> files = Files.list(runDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("meta.yaml", "params", "metrics", "tags", "artifacts");
        }
    }

    @Test
    void writesParamsMetricsTagsAndArtifacts() throws IOException {
        TrackedRun run = new LocalTracker(root()).startRun("gmm", "r", Map.of());
        Path runDir = root().resolve(run.experimentId()).resolve(run.runId());

        Map<String, String> params = new LinkedHashMap<>();
        params.put("trainer.lr", "0.001");
        params.put("model/hidden", "128");
        params.put("nothing", null);
        run.logParams(params);
        run.logMetric("train/loss", 0.5, 1, 1000);
        run.logMetric("train/loss", 0.25, 2, 1001);
        run.logMetric("eval/mmd", Double.NaN, 2, 1002);
        run.logMetric("eval/mmd", Double.POSITIVE_INFINITY, 3, 1003);
        run.logMetric("eval/mmd", 1e-300, -1, 1004);
        run.setTag("scorelab.device", "cpu()");
        run.setTag("scorelab.device", "gpu(0)");
        Path file = Files.writeString(temp.resolve("config.conf"), "a = 1\n");
        run.logArtifact(file, null);
        run.logArtifact(file, "plots/old");
        run.end(RunStatus.FINISHED);

        assertThat(runDir.resolve("params/trainer.lr")).hasContent("0.001");
        assertThat(Files.readString(runDir.resolve("params/trainer.lr"))).isEqualTo("0.001");
        assertThat(runDir.resolve("params/model/hidden")).hasContent("128");
        assertThat(Files.size(runDir.resolve("params/nothing"))).isZero();
        assertThat(Files.readString(runDir.resolve("metrics/train/loss"))).isEqualTo("1000 0.5 1\n1001 0.25 2\n");
        assertThat(Files.readString(runDir.resolve("metrics/eval/mmd")))
                .isEqualTo("1002 nan 2\n1003 inf 3\n1004 1.0E-300 -1\n");
        assertThat(Files.readString(runDir.resolve("tags/scorelab.device"))).isEqualTo("gpu(0)");
        assertThat(runDir.resolve("artifacts/config.conf")).hasContent("a = 1");
        assertThat(runDir.resolve("artifacts/plots/old/config.conf")).hasContent("a = 1");
    }

    @Test
    void paramsAreImmutable() throws IOException {
        TrackedRun run = new LocalTracker(root()).startRun("gmm", "r", Map.of());
        run.logParams(Map.of("trainer.lr", "0.001"));

        run.logParams(Map.of("trainer.lr", "0.001"));
        assertThatThrownBy(() -> run.logParams(Map.of("trainer.lr", "0.01")))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("'trainer.lr'").hasMessageContaining("'0.001'").hasMessageContaining("'0.01'");
    }

    @Test
    void badKeysAreRejectedBeforeAnythingIsWritten() throws IOException {
        TrackedRun run = new LocalTracker(root()).startRun("gmm", "r", Map.of());
        Path runDir = root().resolve(run.experimentId()).resolve(run.runId());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("good", "1");
        params.put("../escape", "2");

        assertThatThrownBy(() -> run.logParams(params)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("'../escape'");
        assertThat(runDir.resolve("params/good")).doesNotExist();
        assertThatThrownBy(() -> run.logMetric("/abs", 1, 0)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("'/abs'");
        assertThatThrownBy(() -> run.setTag("a:b", "x")).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("'a:b'");
        assertThatThrownBy(() -> run.logArtifact(temp, "../up")).isInstanceOf(ScorelabException.class);
        assertThatThrownBy(() -> new LocalTracker(root()).startRun("gmm", "r", Map.of("bad//tag", "x")))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("'bad//tag'");
    }

    @Test
    void aKeyThatIsAlsoADirectoryOfKeysIsAClash() {
        TrackedRun run = new LocalTracker(root()).startRun("gmm", "r", Map.of());
        run.logMetric("train", 1, 0);
        run.logMetric("eval/mmd", 1, 0);

        assertThatThrownBy(() -> run.logMetric("train/loss", 1, 0)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("metric 'train/loss' clashes");
        assertThatThrownBy(() -> run.logMetric("eval", 1, 0)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("metric 'eval' clashes");
    }

    @Test
    void missingArtifactIsNamed() {
        TrackedRun run = new LocalTracker(root()).startRun("gmm", "r", Map.of());
        Path missing = temp.resolve("nope.png");

        assertThatThrownBy(() -> run.logArtifact(missing, null)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void longValuesAreTruncatedAsMlflowDoes() throws IOException {
        TrackedRun run = new LocalTracker(root()).startRun("gmm", "r", Map.of());
        Path runDir = root().resolve(run.experimentId()).resolve(run.runId());

        run.logParams(Map.of("long", "x".repeat(7000)));
        run.setTag("long", "y".repeat(9000));

        assertThat(Files.readString(runDir.resolve("params/long"))).hasSize(6000);
        assertThat(Files.readString(runDir.resolve("tags/long"))).hasSize(8000);
        run.logParams(Map.of("long", "x".repeat(7000)));
    }

    @Test
    void closingARunThatWasNotEndedFailsItAndTheFirstEndWins() throws IOException {
        TrackedRun run = new LocalTracker(root()).startRun("gmm", "r", Map.of());
        run.close();

        assertThat(meta(root().resolve(run.experimentId()).resolve(run.runId())).number("status")).isEqualTo(4L);
        assertThatThrownBy(() -> run.logMetric("x", 1, 0)).isInstanceOf(IllegalStateException.class);
        run.close();
        run.end(RunStatus.FINISHED);
        assertThat(meta(root().resolve(run.experimentId()).resolve(run.runId())).number("status")).isEqualTo(4L);
        assertThatThrownBy(() -> run.end(RunStatus.RUNNING)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runNameComesFromTheArgumentTheTagOrTheId() throws IOException {
        LocalTracker tracker = new LocalTracker(root());

        TrackedRun tagged = tracker.startRun("gmm", null, Map.of("mlflow.runName", "from-tag"));
        TrackedRun unnamed = tracker.startRun("gmm", null, Map.of());

        assertThat(meta(root().resolve(tagged.experimentId()).resolve(tagged.runId())).string("run_name"))
                .isEqualTo("from-tag");
        Path unnamedDir = root().resolve(unnamed.experimentId()).resolve(unnamed.runId());
        assertThat(meta(unnamedDir).string("run_name")).isEqualTo("run-" + unnamed.runId().substring(0, 8));
        unnamed.setTag("mlflow.runName", "renamed");
        assertThat(meta(unnamedDir).string("run_name")).isEqualTo("renamed");
        assertThatThrownBy(() -> tracker.startRun("gmm", "a", Map.of("mlflow.runName", "b")))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("'a'").hasMessageContaining("'b'");
    }

    @Test
    void findsExperimentsByNameAcrossTrackers() throws IOException {
        TrackedRun first = new LocalTracker(root()).startRun("gmm", "a", Map.of());
        TrackedRun second = new LocalTracker(root()).startRun("gmm", "b", Map.of());
        TrackedRun other = new LocalTracker(root()).startRun("moons", "c", Map.of());
        TrackedRun quoted = new LocalTracker(root()).startRun("an \"odd\": ✓\nname", "d", Map.of());

        assertThat(second.experimentId()).isEqualTo(first.experimentId());
        assertThat(other.experimentId()).isNotEqualTo(first.experimentId());
        assertThat(new LocalTracker(root()).startRun("an \"odd\": ✓\nname", "e", Map.of()).experimentId())
                .isEqualTo(quoted.experimentId());
        try (Stream<Path> dirs = Files.list(root())) {
            assertThat(dirs.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    ".trash", "0", first.experimentId(), other.experimentId(), quoted.experimentId());
        }
    }

    @Test
    void refusesExperimentNamesMlflowCannotLookUp() {
        LocalTracker tracker = new LocalTracker(root());

        assertThatThrownBy(() -> tracker.startRun("it's", "r", Map.of())).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("\"it's\"");
        assertThatThrownBy(() -> tracker.startRun("", "r", Map.of())).isInstanceOf(ScorelabException.class);
        assertThatThrownBy(() -> tracker.startRun("x".repeat(501), "r", Map.of()))
                .isInstanceOf(ScorelabException.class);
    }

    @Test
    void findsAnExperimentMlflowCreated() throws IOException {
        Path dir = Files.createDirectories(root().resolve("678311152099314261"));
        Files.writeString(dir.resolve("meta.yaml"), "artifact_location: file:///elsewhere/678311152099314261\n"
                + "creation_time: 1795439372676\nexperiment_id: '678311152099314261'\nlast_update_time: 1795439372676\n"
                + "lifecycle_stage: active\nname: a very long experiment name that certainly goes past the eighty column limit\n"
                + "  of pyyaml emitter, yes\n");

        TrackedRun run = new LocalTracker(root()).startRun(
                "a very long experiment name that certainly goes past the eighty column limit of pyyaml emitter, yes",
                "r", Map.of());

        assertThat(run.experimentId()).isEqualTo("678311152099314261");
        assertThat(meta(dir.resolve(run.runId())).string("artifact_uri"))
                .isEqualTo("file:///elsewhere/678311152099314261/" + run.runId() + "/artifacts");
    }

    @Test
    void refusesTheNameOfADeletedExperiment() throws IOException {
        Path dir = Files.createDirectories(root().resolve(".trash/5"));
        Files.writeString(dir.resolve("meta.yaml"), "artifact_location: file:///x/5\nexperiment_id: '5'\n"
                + "lifecycle_stage: deleted\nname: gone\n");

        assertThatThrownBy(() -> new LocalTracker(root()).startRun("gone", "r", Map.of()))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("'gone' is deleted");
    }

    @Test
    void completesAnExperimentDirectoryADeadProcessLeftEmpty() throws IOException {
        Path orphan = Files.createDirectories(root().resolve(LocalTracker.candidateId("gmm", 0)));

        TrackedRun run = new LocalTracker(root()).startRun("gmm", "r", Map.of());

        assertThat(run.experimentId()).isEqualTo(orphan.getFileName().toString());
        assertThat(meta(orphan).string("name")).isEqualTo("gmm");
    }

    @Test
    void movesToTheNextIdWhenAnotherExperimentHoldsIt() throws IOException {
        String taken = LocalTracker.candidateId("gmm", 0);
        Path dir = Files.createDirectories(root().resolve(taken));
        Files.writeString(dir.resolve("meta.yaml"), "artifact_location: file:///x\nexperiment_id: '" + taken + "'\n"
                + "lifecycle_stage: active\nname: renamed\n");

        TrackedRun run = new LocalTracker(root()).startRun("gmm", "r", Map.of());

        assertThat(run.experimentId()).isEqualTo(LocalTracker.candidateId("gmm", 1));
    }

    @Test
    void concurrentTrackersCreateAnExperimentOnce() throws Exception {
        int workers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> ids = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Callable<String> task = () -> {
                start.await();
                try (TrackedRun run = new LocalTracker(root()).startRun("shared", null, Map.of())) {
                    run.end(RunStatus.FINISHED);
                    return run.experimentId();
                }
            };
            ids.add(pool.submit(task));
        }
        start.countDown();
        Set<String> distinct = new HashSet<>();
        for (Future<String> id : ids) {
            distinct.add(id.get());
        }
        pool.shutdown();

        assertThat(distinct).hasSize(1);
        try (Stream<Path> dirs = Files.list(root())) {
            assertThat(dirs.filter(d -> !d.getFileName().toString().startsWith("."))).hasSize(2);
        }
        try (Stream<Path> runs = Files.list(root().resolve(distinct.iterator().next()))) {
            assertThat(runs.filter(Files::isDirectory)).hasSize(workers);
        }
    }

    @Test
    void reopensARunToResumeIt() throws IOException {
        LocalTracker tracker = new LocalTracker(root());
        TrackedRun run = tracker.startRun("gmm", "r", Map.of());
        run.logParams(Map.of("trainer.lr", "0.001"));
        run.logMetric("train/loss", 0.5, 1, 1000);
        run.end(RunStatus.KILLED);
        Path runDir = root().resolve(run.experimentId()).resolve(run.runId());
        Files.writeString(runDir.resolve("metrics/train/loss"), "1001 0.4", StandardOpenOption.APPEND);

        TrackedRun resumed = new LocalTracker(root()).openRun(run.runId());

        assertThat(resumed.experimentId()).isEqualTo(run.experimentId());
        FlatYaml meta = meta(runDir);
        assertThat(meta.number("status")).isEqualTo(1L);
        assertThat(meta.string("end_time")).isNull();
        assertThat(meta.string("run_name")).isEqualTo("r");
        resumed.logMetric("train/loss", 0.25, 2, 1002);
        assertThatThrownBy(() -> resumed.logParams(Map.of("trainer.lr", "0.1"))).isInstanceOf(ScorelabException.class);
        resumed.end(RunStatus.FINISHED);
        assertThat(Files.readString(runDir.resolve("metrics/train/loss"), StandardCharsets.UTF_8))
                .isEqualTo("1000 0.5 1\n1002 0.25 2\n");
        assertThat(meta(runDir).number("status")).isEqualTo(3L);
    }

    @Test
    void openingAnUnknownRunSaysSo() {
        LocalTracker tracker = new LocalTracker(root());
        tracker.startRun("gmm", "r", Map.of()).end(RunStatus.FINISHED);

        assertThatThrownBy(() -> tracker.openRun("0123456789abcdef0123456789abcdef"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("no run 0123456789abcdef0123456789abcdef");
        assertThatThrownBy(() -> tracker.openRun("../x")).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("'../x'");
    }

    @Test
    void openingARunOfADeletedExperimentSaysSo() throws IOException {
        LocalTracker tracker = new LocalTracker(root());
        TrackedRun run = tracker.startRun("gmm", "r", Map.of());
        run.end(RunStatus.FINISHED);
        Files.move(root().resolve(run.experimentId()), root().resolve(".trash").resolve(run.experimentId()));

        assertThatThrownBy(() -> tracker.openRun(run.runId())).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("deleted experiment " + run.experimentId());
    }
}
