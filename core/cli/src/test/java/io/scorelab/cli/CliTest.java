package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in process: help, listings, user errors, short real runs. */
class CliTest {

    /** Overrides that shrink the quickstart to seconds; the numbers are not the point here. */
    private static final String[] TINY = {
        "trainer.steps=60", "trainer.log_every=20", "trainer.warmup=10",
        "eval.samples=300", "sampler.steps_per_level=5"
    };

    @TempDir
    Path dir;

    @Test
    void helpAndVersion() {
        CliRun help = CliRun.of("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("run", "plugins");
        CliRun version = CliRun.of("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).contains("scorelab", "API version 2");
    }

    @Test
    void pluginsListsEveryComponentWithItsJar() {
        CliRun plugins = CliRun.of("plugins");
        assertThat(plugins.exitCode()).isZero();
        assertThat(plugins.out())
                .contains("KIND", "JAR")
                .containsPattern("dataset\\s+gmm\\s+scorelab-datasets")
                .containsPattern("schedule\\s+geometric\\s+scorelab-schedules")
                .containsPattern("architecture\\s+mlp\\s+scorelab-architectures")
                .containsPattern("loss\\s+ncsn\\s+scorelab-losses")
                .containsPattern("loss\\s+dsm\\s+scorelab-losses")
                .containsPattern("sampler\\s+annealed_langevin\\s+scorelab-samplers")
                .containsPattern("metric\\s+mmd\\s+scorelab-metrics")
                .containsPattern("metric\\s+mode_coverage\\s+scorelab-metrics");
    }

    private void assertUserError(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: ").contains(fragments);
        assertThat(run.err()).doesNotContain("Exception", "\tat ");
        assertThat(dir.resolve("mlruns")).doesNotExist(); // failed before anything was recorded
    }

    @Test
    void badInputIsOneClearMessageAndExitCodeTwo() throws IOException {
        assertUserError(CliRun.run(dir, dir.resolve("missing.conf")), "missing.conf", "does not exist");
        assertUserError(CliRun.run(dir, CliRun.QUICKSTART, "loss=dsn"),
                "no loss named 'dsn'; available:", "dsm", "ncsn");
        assertUserError(CliRun.run(dir, CliRun.QUICKSTART, "trainer.stepz=3"), "no key trainer.stepz", "trainer.steps");
        assertUserError(CliRun.run(dir, CliRun.QUICKSTART, "trainer.steps=many"),
                "trainer.steps = \"many\": expected an integer");
        assertUserError(CliRun.run(dir, CliRun.QUICKSTART, "trainer.steps=0"), "trainer.steps = 0", "positive");
        assertUserError(CliRun.run(dir, CliRun.QUICKSTART, "trainer.batch_size=-4"), "trainer.batch_size = -4");
        assertUserError(CliRun.run(dir, CliRun.QUICKSTART, "schedule.sigma_min=-0.1"), "schedule.sigma_min = -0.1");
        assertUserError(CliRun.run(dir, CliRun.QUICKSTART, "loss=dsm", "loss.sigma=0"), "loss.sigma = 0");

        Path typo = dir.resolve("typo.conf");
        Files.writeString(typo, "include \"" + CliRun.QUICKSTART.toAbsolutePath() + "\"\ntrainer.batch_sise = 3\n");
        assertUserError(CliRun.run(dir, typo), "typo.conf:2", "unknown key trainer.batch_sise", "trainer.batch_size");
        Path wrongType = dir.resolve("wrong.conf");
        Files.writeString(wrongType, "include \"" + CliRun.QUICKSTART.toAbsolutePath() + "\"\n\ntrainer.lr = fast\n");
        assertUserError(CliRun.run(dir, wrongType), "wrong.conf:3", "trainer.lr = \"fast\": expected a number");
        Path plugins = dir.resolve("plugins.conf");
        Files.writeString(plugins, "include \"" + CliRun.QUICKSTART.toAbsolutePath() + "\"\nplugins.dirs = [jars]\n");
        assertUserError(CliRun.run(dir, plugins), "plugin directory", "jars does not exist");
        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "defaults {\n  dataset = gmm\n\n  loss = [\n");
        assertUserError(CliRun.run(dir, broken), "broken.conf");
    }

    @Test
    void aShortRunWritesItsOutputsAndTheStore() throws IOException {
        CliRun run = CliRun.run(dir, CliRun.QUICKSTART, TINY);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("eval/mmd", "eval/mode_coverage", "mlflow ui --backend-store-uri");

        Path store = CliRun.onlyRun(dir);
        assertThat(Files.readString(store.resolve("meta.yaml"))).contains("status: 3");
        assertThat(Files.readAllLines(store.resolve("metrics/train/loss"))).hasSize(3);
        assertThat(store.resolve("metrics/eval/mmd")).exists();
        assertThat(store.resolve("metrics/eval/mode_coverage")).exists();
        assertThat(Files.readString(store.resolve("params/trainer.steps"))).isEqualTo("60");
        assertThat(Files.readString(store.resolve("params/loss.name"))).isEqualTo("ncsn");
        assertThat(Files.readString(store.resolve("tags/scorelab.component.loss"))).isEqualTo("ncsn");
        for (String artifact : List.of("config.conf", "samples.png", "samples.csv", "loss.png",
                "checkpoint/model.params", "checkpoint/ema.params", "checkpoint/optimizer.bin")) {
            assertThat(store.resolve("artifacts").resolve(artifact)).isNotEmptyFile();
        }
        Path output = Files.readString(store.resolve("tags/scorelab.output_dir")).transform(Path::of);
        assertThat(output.resolve("config.conf")).content().containsPattern("name\\s*=\\s*ncsn");
        assertThat(output.resolve("run.log")).content().contains("step 60");
        assertThat(Files.readAllLines(output.resolve("samples.csv"))).hasSize(301);
    }

    @Test
    void aNonFiniteLossStopsTheRunAndMarksItFailed() throws IOException {
        CliRun run = CliRun.run(dir, CliRun.QUICKSTART, "loss=nan_after", "trainer.steps=40", "trainer.log_every=10");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("non-finite at step 6");
        Path store = CliRun.onlyRun(dir);
        assertThat(Files.readString(store.resolve("meta.yaml"))).contains("status: 4");
        assertThat(Files.readString(store.resolve("tags/scorelab.failure"))).contains("step 6");
    }

    @Test
    void skippingNonFiniteBatchesKeepsTheRunGoing() throws IOException {
        CliRun run = CliRun.run(dir, CliRun.QUICKSTART, "loss=nan_after", "trainer.steps=30", "trainer.log_every=10",
                "trainer.on_nan=skip", "eval.samples=200", "sampler.steps_per_level=2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path store = CliRun.onlyRun(dir);
        List<String> skipped = Files.readAllLines(store.resolve("metrics/train/skipped_batches"));
        assertThat(skipped.get(0).split(" ")[1]).isEqualTo("5.0"); // steps 6..10 of the first window
        assertThat(skipped.get(2).split(" ")[1]).isEqualTo("10.0");
    }
}
