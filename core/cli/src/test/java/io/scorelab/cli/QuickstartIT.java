package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job as it ships, then the real MLflow (Python client, installed by
 * scripts/test.sh) reads the run back from the local store.
 */
class QuickstartIT {

    @TempDir
    Path dir;

    @Test
    void theQuickstartMeetsItsNumbersAndMlflowReadsItsRun() throws Exception {
        CliRun run = CliRun.run(dir, CliRun.QUICKSTART);
        assertThat(run.exitCode()).as(run.err()).isZero();
        System.out.println(run.out());

        Path store = CliRun.onlyRun(dir);
        double coverage = lastValue(store.resolve("metrics/eval/mode_coverage"));
        double mmd = lastValue(store.resolve("metrics/eval/mmd"));
        // the bar: every mode found with about its share, and an MMD well below a missing mode's 0.05
        assertThat(coverage).isEqualTo(1.0);
        assertThat(mmd).isLessThan(0.01);

        Config read = readBack(store);
        assertThat(read.getStringList("found_by_search")).contains(store.getFileName().toString());
        assertThat(read.getString("status")).isEqualTo("FINISHED");
        assertThat(read.getString("run_name")).startsWith("quickstart/");
        Path configFile = store.resolve("artifacts/config.conf");
        Config resolved = ConfigFactory.parseFile(configFile.toFile());
        assertThat(read.getObject("params").keySet()).hasSize(resolved.entrySet().size());
        assertThat(read.getString("params.\"trainer.steps\"")).isEqualTo("4000");
        assertThat(read.getString("params.\"dataset.name\"")).isEqualTo("gmm");
        assertThat(read.getString("tags.\"scorelab.component.sampler\"")).isEqualTo("annealed_langevin");
        assertThat(read.getString("tags.\"mlflow.user\"")).isNotBlank();
        assertThat(read.getString("tags.\"scorelab.djl.version\"")).isEqualTo("0.35.1");
        assertThat(read.getDouble("metrics.\"eval/mode_coverage\"")).isEqualTo(coverage);
        assertThat(read.getDouble("metrics.\"eval/mmd\"")).isEqualTo(mmd);
        assertThat(read.getList("loss_history")).hasSize(4000 / 200);
        assertThat(read.getStringList("artifacts")).contains(
                "config.conf", "samples.png", "samples.csv", "loss.png",
                "checkpoint/model.params", "checkpoint/ema.params", "checkpoint/optimizer.bin");
    }

    private static double lastValue(Path metricFile) throws IOException {
        List<String> lines = Files.readAllLines(metricFile);
        return Double.parseDouble(lines.get(lines.size() - 1).split(" ")[1]);
    }

    private Config readBack(Path store) throws Exception {
        String python = System.getenv("SCORELAB_TEST_PYTHON");
        assertThat(python)
                .as("SCORELAB_TEST_PYTHON names the Python with mlflow; run the tests with ./scripts/test.sh")
                .isNotBlank();
        Path script = Path.of(QuickstartIT.class.getResource("/python/read_run.py").toURI());
        Process process = new ProcessBuilder(python, script.toString(),
                dir.resolve("mlruns").toAbsolutePath().toString(), "quickstart", store.getFileName().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String json = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(json).isZero();
        Matcher last = Pattern.compile("(?m)^\\{.*$").matcher(json);
        String line = null;
        while (last.find()) {
            line = last.group();
        }
        assertThat(line).as(json).isNotNull();
        return ConfigFactory.parseString(line);
    }
}
