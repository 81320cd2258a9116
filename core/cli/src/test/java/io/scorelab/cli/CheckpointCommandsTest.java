package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scorelab sample} and {@code scorelab eval} on the checkpoint of one short real run. */
class CheckpointCommandsTest {

    @TempDir
    static Path dir;

    private static Path output;
    private static String runId;

    @BeforeAll
    static void train() throws Exception {
        CliRun run = CliRun.run(dir, CliRun.QUICKSTART, "trainer.steps=40", "trainer.log_every=20",
                "trainer.warmup=5", "eval.samples=200", "sampler.steps_per_level=3");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path store = CliRun.onlyRun(dir);
        runId = store.getFileName().toString();
        output = Path.of(Files.readString(store.resolve("tags/scorelab.output_dir")));
    }

    private static CliRun cli(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.add("--tracking-root=" + dir.resolve("mlruns"));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void sampleWritesFilesWithAnotherSamplerAndLogsThem() throws Exception {
        Path out = dir.resolve("drawn");
        CliRun sample = cli("sample", output.toString(), "--n", "120", "--out", out.toString(), "--log",
                "sampler.steps_per_level=2");
        assertThat(sample.exitCode()).as(sample.err()).isZero();
        // the override took: the quickstart's 10 geometric levels x 2 steps + the final denoising step
        assertThat(sample.out()).contains("120 samples with annealed_langevin", "step 40", "nfe 21", "logged to run " + runId);
        assertThat(Files.size(out.resolve("samples.npy"))).isEqualTo(128 + 120 * 2 * 4);
        assertThat(Files.readAllLines(out.resolve("samples.csv"))).hasSize(121);
        assertThat(out.resolve("samples.png")).isNotEmptyFile();
        Path artifacts = CliRun.onlyRun(dir).resolve("artifacts/sampled/annealed_langevin");
        assertThat(artifacts.resolve("samples.npy")).isNotEmptyFile();
        assertThat(Files.readString(CliRun.onlyRun(dir).resolve("meta.yaml"))).contains("status: 3");
    }

    /** @return the float32 values of a .npy file that scorelab wrote (little-endian, after the padded header) */
    private static float[] npy(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.position(10 + (bytes.getShort(8) & 0xFFFF));
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    /**
     * Per-sample noise: {@code sample --n 1 --first k} is row k of {@code sample --n 8} and row 137 of the run's own
     * evaluation (200 samples). Sample k meets the same noise in every batch; what may differ is rounding, since the
     * engine's kernels for the MLP's matrix products and the noise embedding's sin and cos depend on the number of
     * rows: float32 round-off of a few ulps per step, which the 31 contracting annealed Langevin steps do not
     * amplify (measured: 2.3e-5 on values near 40, 6e-7 relative). Tolerance 1e-5 relative.
     */
    @Test
    void sampleKAloneIsRowKOfABatchAndOfTheRunsEvaluation() throws Exception {
        Path batch = dir.resolve("batch");
        Path fifth = dir.resolve("fifth");
        Path late = dir.resolve("late");
        assertThat(cli("sample", output.toString(), "--n", "8", "--out", batch.toString()).exitCode()).isZero();
        CliRun alone = cli("sample", output.toString(), "--n", "1", "--first", "5", "--out", fifth.toString());
        assertThat(alone.exitCode()).as(alone.err()).isZero();
        assertThat(alone.out()).contains("1 samples with annealed_langevin", "samples 5 to 5 of sample.seed 0");
        assertThat(cli("sample", output.toString(), "sample.first=137", "--n", "1", "--out", late.toString()).exitCode())
                .isZero();
        float[] rows = npy(batch.resolve("samples.npy"));
        float[] evaluation = npy(output.resolve("samples.npy"));
        assertThat(rows).hasSize(16);
        assertThat(evaluation).hasSize(400);
        assertClose(npy(fifth.resolve("samples.npy")), Arrays.copyOfRange(rows, 10, 12));
        assertClose(npy(late.resolve("samples.npy")), Arrays.copyOfRange(evaluation, 274, 276));
        assertClose(rows, Arrays.copyOf(evaluation, 16));
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("value %d", i)
                    .isCloseTo(expected[i], within(1e-5f * Math.max(1, Math.abs(expected[i]))));
        }
    }

    @Test
    void evalLogsMetricsAtTheCheckpointsStepByRunId() throws Exception {
        CliRun eval = cli("eval", runId, "eval.metrics=[mmd]", "eval.samples=150");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("at step 40 (final)", "eval/mmd");
        List<String> points = Files.readAllLines(CliRun.onlyRun(dir).resolve("metrics/eval/mmd"));
        assertThat(points).hasSize(2); // the run's own evaluation, then this one, both at step 40
        assertThat(points).allMatch(line -> line.endsWith(" 40"));
    }

    @Test
    void aRunStartedFromTheCheckpointAtItsStepOnlyEvaluates() throws Exception {
        Path other = dir.resolve("again");
        CliRun run = CliRun.of("run", CliRun.QUICKSTART.toString(), "output.dir=\"" + other.resolve("outputs") + "\"",
                "tracking.root=\"" + other.resolve("mlruns") + "\"", "model.init_from=\"" + output + "\"",
                "trainer.steps=40", "eval.samples=100", "sampler.steps_per_level=2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("40 steps", "eval/mmd");
        Path store = CliRun.onlyRun(other);
        assertThat(store.resolve("metrics/train/loss")).doesNotExist(); // no step was trained
        assertThat(Files.readString(store.resolve("tags/scorelab.init_from"))).endsWith("final");
        assertThat(Files.readAllLines(store.resolve("metrics/eval/mmd")).get(0)).endsWith(" 40");
    }

    @Test
    void mistakesAreUserErrors() {
        CliRun missing = cli("sample", dir.resolve("nowhere").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("neither a run directory nor an MLflow run id");
        CliRun unknownRun = cli("eval", "0123456789abcdef0123456789abcdef");
        assertThat(unknownRun.exitCode()).isEqualTo(2);
        assertThat(unknownRun.err()).contains("no run 0123456789abcdef0123456789abcdef");
        CliRun badSampler = cli("sample", output.toString(), "sampler=nope");
        assertThat(badSampler.exitCode()).isEqualTo(2);
        assertThat(badSampler.err()).contains("no sampler named 'nope'");
        CliRun badFirst = cli("sample", output.toString(), "--first", "-1");
        assertThat(badFirst.exitCode()).isEqualTo(2);
        assertThat(badFirst.err()).contains("--first must be a sample index in [0, 16777216), got -1");
        CliRun badConfig = cli("sample", output.toString(), "sample.first=-3");
        assertThat(badConfig.exitCode()).isEqualTo(2);
        assertThat(badConfig.err()).contains("sample.first = -3: expected the index of the first sample");
    }
}
