package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.scorelab.runtime.TestMlflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks {@link LocalTracker} against the real MLflow Python client (the interpreter named by
 * {@code SCORELAB_TEST_PYTHON}, with mlflow 3.5.0 installed): MLflow reads every param, metric
 * point, tag and artifact of a run the tracker wrote, and the tracker resumes a run MLflow created.
 */
class LocalTrackerIT {

    /** Prints what MLflow reads of the run as JSON; floats as repr() strings, since JSON has no NaN. */
    private static final String READER = """
            import json, sys, tempfile
            import mlflow
            from mlflow import MlflowClient

            experiment_name, run_id = sys.argv[1], sys.argv[2]
            client = MlflowClient()
            num = lambda value: repr(float(value))

            experiment = client.get_experiment_by_name(experiment_name)
            frame = mlflow.search_runs(experiment_names=[experiment_name])
            search = []
            for _, row in frame.iterrows():
                search.append({
                    "run_id": row["run_id"],
                    "status": row["status"],
                    "params": {c[len("params."):]: row[c] for c in frame.columns if c.startswith("params.")},
                    "metrics": {c[len("metrics."):]: num(row[c]) for c in frame.columns if c.startswith("metrics.")},
                    "tags": {c[len("tags."):]: row[c] for c in frame.columns if c.startswith("tags.")},
                })

            run = client.get_run(run_id)
            history = {
                key: [[m.step, m.timestamp, num(m.value)] for m in client.get_metric_history(run_id, key)]
                for key in run.data.metrics
            }

            def walk(path):
                files = []
                for entry in client.list_artifacts(run_id, path):
                    files.extend(walk(entry.path) if entry.is_dir else [[entry.path, entry.file_size]])
                return files

            downloaded = client.download_artifacts(run_id, "config.conf", tempfile.mkdtemp())
            with open(downloaded, encoding="utf-8") as f:
                config = f.read()

            print(json.dumps({
                "experiment": {"id": experiment.experiment_id, "name": experiment.name,
                               "stage": experiment.lifecycle_stage},
                "search": search,
                "info": {"run_id": run.info.run_id, "run_name": run.info.run_name, "status": run.info.status,
                         "user_id": run.info.user_id, "start_time": run.info.start_time,
                         "end_time": run.info.end_time, "lifecycle_stage": run.info.lifecycle_stage,
                         "experiment_id": run.info.experiment_id},
                "params": run.data.params,
                "tags": run.data.tags,
                "metrics": {key: num(value) for key, value in run.data.metrics.items()},
                "history": history,
                "artifacts": walk(None),
                "config": config,
            }))
            """;

    /** Creates a run with MLflow, prints its id. */
    private static final String CREATOR = """
            import mlflow
            mlflow.set_experiment("made by mlflow")
            with mlflow.start_run(run_name="python run") as run:
                mlflow.log_param("trainer.lr", "0.001")
                mlflow.log_metric("train/loss", 1.5, step=0, timestamp=1700000000000)
            print(run.info.run_id)
            """;

    /** Prints status, params, tags and the history of train/loss of a run. */
    private static final String CHECKER = """
            import json, sys
            from mlflow import MlflowClient
            client = MlflowClient()
            run = client.get_run(sys.argv[1])
            print(json.dumps({
                "status": run.info.status, "run_name": run.info.run_name,
                "params": run.data.params, "tags": run.data.tags,
                "loss": [[m.step, m.value] for m in client.get_metric_history(run.info.run_id, "train/loss")],
            }))
            """;

    @TempDir
    Path temp;

    @Test
    void resumesARunMlflowCreated() throws Exception {
        String python = TestMlflow.python();
        Path root = temp.resolve("mlruns");
        String runId = runPython(python, root, CREATOR).strip();

        try (TrackedRun run = new LocalTracker(root).openRun(runId)) {
            run.logParams(Map.of("trainer.lr", "0.001", "trainer.steps", "2"));
            run.logMetric("train/loss", 0.75, 1, 1_700_000_000_001L);
            run.setTag("scorelab.device", "cpu()");
            run.end(RunStatus.FINISHED);
        }
        try (TrackedRun other = new LocalTracker(root).startRun("made by mlflow", "java run", Map.of())) {
            other.end(RunStatus.FINISHED);
        }

        Map<String, Object> read = ConfigFactory.parseString(runPython(python, root, CHECKER, runId),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root().unwrapped();
        assertThat(read).containsEntry("status", "FINISHED").containsEntry("run_name", "python run");
        assertThat(map(read, "params")).isEqualTo(Map.of("trainer.lr", "0.001", "trainer.steps", "2"));
        assertThat(map(read, "tags")).containsEntry("scorelab.device", "cpu()").containsEntry("mlflow.runName", "python run");
        assertThat(read.get("loss")).isEqualTo(List.of(List.of(0, 1.5), List.of(1, 0.75)));
        try (var experiments = Files.list(root)) {
            assertThat(experiments.filter(dir -> !dir.getFileName().toString().startsWith("."))).hasSize(2);
        }
    }

    @Test
    void mlflowReadsWhatTheLocalTrackerWrites() throws Exception {
        String python = TestMlflow.python();
        Path root = temp.resolve("ml runs ✓");
        String experimentName = "scorelab IT: \"gmm\" ✓";
        Map<String, String> startTags = new LinkedHashMap<>();
        startTags.put("mlflow.source.name", "scorelab train");
        startTags.put("mlflow.source.git.commit", "0123456789abcdef");
        startTags.put("scorelab.component.dataset", "gmm-2d");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("trainer.lr", "0.001");
        params.put("trainer.steps", "10");
        params.put("model/hidden sizes", "[128, 128]");
        params.put("dataset.name", "gmm: 8 modes, 'ring'");
        params.put("empty", "");
        Map<String, List<double[]>> points = new LinkedHashMap<>(); // key -> {step, timestamp, value}
        long time = 1_700_000_000_000L;

        String runId;
        String experimentId;
        try (TrackedRun run = new LocalTracker(root).startRun(experimentName, "it run \"1\"", startTags)) {
            runId = run.runId();
            experimentId = run.experimentId();
            run.logParams(params);
            for (int step = 0; step < 10; step++) {
                log(run, points, "train/loss", 1.0 / (step + 1), step, time + step);
                log(run, points, "train/lr", 0.001, step, time + step);
                log(run, points, "train/examples_per_sec", 1234.5 + step, step, time + step);
            }
            log(run, points, "eval/mmd", Double.NaN, 0, time);
            log(run, points, "eval/mmd", Double.POSITIVE_INFINITY, 5, time + 5);
            log(run, points, "eval/mmd", 1.25e-7, 9, time + 9);
            log(run, points, "eval/mode_coverage", 0.875, 9, time + 9);
            run.setTag("scorelab.device", "cpu()");
            run.setTag("note", "line 1\nline 2 with 'quotes' and \"double\" ✓");
            Path config = Files.writeString(temp.resolve("config.conf"), "trainer { lr = 0.001 }\n");
            Path png = Files.write(temp.resolve("samples.png"), new byte[] {1, 2, 3, 4, 5});
            run.logArtifact(config, null);
            run.logArtifact(png, "plots");
            run.end(RunStatus.FINISHED);
        }

        Map<String, Object> read = readWithMlflow(python, root, experimentName, runId);

        assertThat(map(read, "experiment")).containsEntry("id", experimentId).containsEntry("name", experimentName)
                .containsEntry("stage", "active");
        Map<String, Object> info = map(read, "info");
        assertThat(info).containsEntry("run_id", runId).containsEntry("run_name", "it run \"1\"")
                .containsEntry("status", "FINISHED").containsEntry("lifecycle_stage", "active")
                .containsEntry("experiment_id", experimentId)
                .containsEntry("user_id", System.getProperty("user.name"));
        assertThat(((Number) info.get("end_time")).longValue())
                .isGreaterThanOrEqualTo(((Number) info.get("start_time")).longValue());

        assertThat(map(read, "params")).isEqualTo(params);
        Map<String, String> tags = new LinkedHashMap<>(startTags);
        tags.put("mlflow.runName", "it run \"1\"");
        tags.put("mlflow.user", System.getProperty("user.name"));
        tags.put("scorelab.device", "cpu()");
        tags.put("note", "line 1\nline 2 with 'quotes' and \"double\" ✓");
        assertThat(map(read, "tags")).isEqualTo(tags);

        Map<String, Object> history = map(read, "history");
        assertThat(history).containsOnlyKeys(points.keySet());
        points.forEach((key, expected) -> {
            List<?> got = (List<?>) history.get(key);
            assertThat(got).as(key).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                List<?> point = (List<?>) got.get(i);
                assertThat(((Number) point.get(0)).longValue()).as(key + " step").isEqualTo((long) expected.get(i)[0]);
                assertThat(((Number) point.get(1)).longValue()).as(key + " time").isEqualTo((long) expected.get(i)[1]);
                assertThat(pythonFloat(point.get(2))).as(key + " value").isEqualTo(Double.valueOf(expected.get(i)[2]));
            }
        });
        Map<String, Object> latest = map(read, "metrics");
        points.forEach((key, expected) ->
                assertThat(pythonFloat(latest.get(key))).as(key).isEqualTo(last(expected)));

        List<?> search = (List<?>) read.get("search");
        assertThat(search).hasSize(1);
        Map<String, Object> found = map((Map<?, ?>) search.get(0));
        assertThat(found).containsEntry("run_id", runId).containsEntry("status", "FINISHED");
        assertThat(map(found, "params")).isEqualTo(params);
        assertThat(map(found, "tags")).isEqualTo(tags);
        assertThat(map(found, "metrics")).containsOnlyKeys(points.keySet());
        points.forEach((key, expected) ->
                assertThat(pythonFloat(map(found, "metrics").get(key))).as(key).isEqualTo(last(expected)));

        assertThat(((List<?>) read.get("artifacts")).stream()
                .map(entry -> ((List<?>) entry).get(0) + " " + ((List<?>) entry).get(1)))
                .containsExactlyInAnyOrder("config.conf 23", "plots/samples.png 5");
        assertThat(read.get("config")).isEqualTo("trainer { lr = 0.001 }\n");
    }

    private static void log(TrackedRun run, Map<String, List<double[]>> points, String key, double value, long step,
            long timestamp) {
        run.logMetric(key, value, step, timestamp);
        points.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {step, timestamp, value});
    }

    private static Double last(List<double[]> points) {
        return points.get(points.size() - 1)[2];
    }

    private static Double pythonFloat(Object repr) {
        return switch ((String) repr) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble((String) repr);
        };
    }

    private static Map<String, Object> map(Map<?, ?> parent, String key) {
        return map((Map<?, ?>) parent.get(key));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<?, ?> value) {
        return (Map<String, Object>) value;
    }

    private Map<String, Object> readWithMlflow(String python, Path root, String experimentName, String runId)
            throws IOException, InterruptedException {
        return ConfigFactory.parseString(runPython(python, root, READER, experimentName, runId),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root().unwrapped();
    }

    /** @return what the script printed */
    private String runPython(String python, Path root, String script, String... args)
            throws IOException, InterruptedException {
        Path stderr = Files.createTempFile(temp, "python", ".stderr");
        List<String> command = new ArrayList<>(List.of(python, "-c", script));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().put("MLFLOW_TRACKING_URI", "file:" + root);
        builder.environment().put("MLFLOW_DISABLE_TELEMETRY", "true");
        Process process = builder.start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("mlflow (" + python + ") did not finish in 180 s");
        }
        if (process.exitValue() != 0) {
            fail("mlflow (" + python + ") failed with exit code " + process.exitValue() + ":\n" + Files.readString(stderr));
        }
        return stdout;
    }
}
