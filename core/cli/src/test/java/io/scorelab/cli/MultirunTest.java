package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scorelab run -m}: sweeps end to end, with both launchers, a failing job and a killed sweep. */
class MultirunTest {

    /** Overrides that shrink each job to a few seconds; the numbers are not the point here. */
    private static final String[] TINY = {
        "trainer.steps=10", "trainer.log_every=5", "trainer.warmup=2",
        "eval.samples=100", "sampler.steps_per_level=1"
    };

    @TempDir
    Path dir;

    private CliRun sweep(String... overrides) {
        List<String> args = new ArrayList<>(List.of("-m"));
        args.addAll(Arrays.asList(overrides));
        args.addAll(Arrays.asList(TINY));
        return CliRun.run(dir, CliRun.QUICKSTART, args.toArray(String[]::new));
    }

    /** @return the only sweep directory under outputs/quickstart */
    private Path sweepDirectory() throws IOException {
        try (Stream<Path> sweeps = Files.list(dir.resolve("outputs/quickstart"))) {
            List<Path> all = sweeps.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    /** @return the summary's rows, split into their columns, by job index */
    private static List<List<String>> summary(Path sweep) throws IOException {
        List<String> lines = Files.readAllLines(sweep.resolve("summary.csv"));
        assertThat(lines.get(0)).isEqualTo("job,status,exit_code,run_id,overrides,output_dir,message");
        return lines.subList(1, lines.size()).stream()
                .map(line -> Arrays.asList(line.split(",", 7)))
                .toList();
    }

    /** @return the store's runs: the sweep's parent (no parent tag) under key "parent", the jobs by their index */
    private Map<String, Path> runsByJob() throws IOException {
        Function<Path, String> job = run -> {
            try {
                String index = CliRun.tag(run, "scorelab.sweep.job");
                return index == null ? "parent" : index;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        return CliRun.runs(dir).stream().collect(Collectors.toMap(job, run -> run));
    }

    @Test
    void aLocalSweepRunsTheProductInProcessWithItsLayoutSummaryAndParentRun() throws IOException {
        CliRun run = sweep("loss=dsm,ncsn", "seed=0,1");
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("sweep of 4 jobs, launcher local", "4 finished, 0 failed, 0 killed");

        Path sweep = sweepDirectory();
        assertThat(sweep.getFileName().toString()).matches("\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}");
        List<List<String>> rows = summary(sweep);
        assertThat(rows).extracting(row -> row.get(1)).containsExactly("FINISHED", "FINISHED", "FINISHED", "FINISHED");
        assertThat(rows.get(0).get(4)).contains(" loss=dsm seed=0 trainer.steps=10 ");
        assertThat(rows.get(3).get(4)).contains(" loss=ncsn seed=1 trainer.steps=10 ");
        assertThat(Files.readString(sweep.resolve("summary.txt"))).contains("JOB", "STATUS", "loss=ncsn seed=1");
        assertThat(Files.readString(sweep.resolve("multirun.conf")))
                .contains("\"loss\" = [\"dsm\", \"ncsn\"]", "\"seed\" = [\"0\", \"1\"]");

        Map<String, Path> runs = runsByJob();
        assertThat(runs).containsOnlyKeys("parent", "0", "1", "2", "3");
        Path parent = runs.get("parent");
        assertThat(CliRun.status(parent)).isEqualTo(3);
        assertThat(Files.readString(parent.resolve("params/sweep.loss"))).isEqualTo("dsm, ncsn");
        assertThat(Files.readString(parent.resolve("params/sweep.jobs"))).isEqualTo("4");
        assertThat(parent.resolve("artifacts/summary.csv")).isNotEmptyFile();
        assertThat(parent.resolve("artifacts/multirun.conf")).isNotEmptyFile();
        for (int i = 0; i < 4; i++) {
            Path child = runs.get(Integer.toString(i));
            assertThat(CliRun.status(child)).isEqualTo(3);
            assertThat(CliRun.tag(child, "mlflow.parentRunId")).isEqualTo(parent.getFileName().toString());
            assertThat(rows.get(i).get(3)).isEqualTo(child.getFileName().toString());
            assertThat(Files.readString(child.resolve("params/loss.name"))).isEqualTo(i < 2 ? "dsm" : "ncsn");
            assertThat(Files.readString(child.resolve("params/seed"))).isEqualTo(Integer.toString(i % 2));
            Path job = sweep.resolve(Integer.toString(i));
            assertThat(Path.of(CliRun.tag(child, "scorelab.output_dir"))).isEqualTo(job.toAbsolutePath());
            for (String file : List.of("config.conf", "overrides.txt", "run.log", "samples.csv",
                    "checkpoints/final/model.params")) {
                assertThat(job.resolve(file)).isNotEmptyFile();
            }
            assertThat(job.resolve("overrides.txt")).content()
                    .contains((i < 2 ? "loss=dsm" : "loss=ncsn") + "\nseed=" + (i % 2) + "\ntrainer.steps=10\n");
            assertThat(job.resolve("run.log")).content().contains("step 10");
        }
    }

    @Test
    void aParallelSweepRunsWorkersAndOneFailedJobDoesNotStopIt() throws IOException {
        CliRun run = sweep("loss=ncsn,nan_after", "launcher=parallel", "launcher.workers=2");
        assertThat(run.exitCode()).as(run.err() + run.out()).isEqualTo(3);
        assertThat(run.out()).contains("1 finished, 1 failed, 0 killed");

        Path sweep = sweepDirectory();
        List<List<String>> rows = summary(sweep);
        assertThat(rows.get(0).subList(1, 3)).containsExactly("FINISHED", "0");
        assertThat(rows.get(1).subList(1, 3)).containsExactly("FAILED", "2");
        assertThat(rows.get(1).get(6)).contains("non-finite at step 6");
        assertThat(sweep.resolve("1/console.log")).content().contains("error: ", "non-finite");

        Map<String, Path> runs = runsByJob();
        assertThat(CliRun.status(runs.get("parent"))).isEqualTo(4);
        assertThat(CliRun.status(runs.get("0"))).isEqualTo(3);
        assertThat(CliRun.status(runs.get("1"))).isEqualTo(4);
        assertThat(rows.get(1).get(3)).isEqualTo(runs.get("1").getFileName().toString());
        assertThat(CliRun.tag(runs.get("1"), "mlflow.parentRunId")).isEqualTo(runs.get("parent").getFileName().toString());
        assertThat(CliRun.tag(runs.get("0"), "scorelab.component.launcher")).isEqualTo("parallel");
    }

    @Test
    void aKilledSweepStopsItsWorkersAndMarksTheirRunsKilled() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "-m", CliRun.QUICKSTART.toString(), "seed=0,1,2", "launcher=parallel", "launcher.workers=2",
                "trainer.steps=1000000", "trainer.log_every=1000",
                "output.dir=\"" + dir.resolve("outputs") + "\"", "tracking.root=\"" + dir.resolve("mlruns") + "\""));
        Process sweep = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sweep.log").toFile())
                .start();
        List<ProcessHandle> workers;
        try {
            waitFor(() -> Files.isDirectory(dir.resolve("outputs/quickstart"))
                    && Files.exists(sweepDirectory().resolve("0").resolve("run_id")), sweep);
            workers = sweep.children().toList();
            assertThat(workers).as("the running workers").hasSize(2);
        } finally {
            sweep.destroy(); // SIGTERM, as Ctrl-C: the sweep's shutdown hooks run
        }
        assertThat(sweep.waitFor(60, TimeUnit.SECONDS)).as("the sweep exits").isTrue();
        for (ProcessHandle worker : workers) {
            worker.onExit().get(10, TimeUnit.SECONDS);
            assertThat(worker.isAlive()).as("worker " + worker.pid()).isFalse();
        }
        String log = Files.readString(dir.resolve("sweep.log"), StandardCharsets.UTF_8);
        List<List<String>> rows = summary(sweepDirectory());
        assertThat(rows).as(log).extracting(row -> row.get(1)).containsExactly("KILLED", "KILLED", "KILLED");
        assertThat(rows.get(2).get(6)).contains("not started");
        Map<String, Path> runs = runsByJob();
        assertThat(runs).as(log).containsKeys("parent", "0");
        for (Path run : runs.values()) {
            assertThat(CliRun.status(run)).as(run.toString()).isEqualTo(5);
        }
    }

    /** Polls a condition every 100 ms for up to 90 s, failing early if the process died. */
    private static void waitFor(IoCondition condition, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.holds()) {
            assertThat(process.isAlive()).as("the sweep is still running").isTrue();
            assertThat(System.nanoTime()).as("waited 90 s for the first job to start").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private interface IoCondition {
        boolean holds() throws IOException;
    }

    @Test
    void aDryRunPrintsTheJobsAndRunsNothing() throws IOException {
        Path experiment = dir.resolve("ablation.conf");
        Files.writeString(experiment, "include \"" + CliRun.QUICKSTART.toAbsolutePath() + "\"\n"
                + "sweep { loss = [dsm, ncsn], seed = \"range(0,3)\" }\n");
        CliRun run = CliRun.of("run", "-m", "--dry-run", experiment.toString(), "seed=7,8", "trainer.steps=5");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                4 jobs (launcher local):
                  0    loss=dsm seed=7 trainer.steps=5
                  1    loss=dsm seed=8 trainer.steps=5
                  2    loss=ncsn seed=7 trainer.steps=5
                  3    loss=ncsn seed=8 trainer.steps=5
                """);
        assertThat(dir.resolve("outputs")).doesNotExist();
        assertThat(CliRun.of("run", "-m", "--dry-run", experiment.toString()).out()).startsWith("6 jobs (launcher local):");
    }

    @Test
    void aMistakeInAnyJobIsReportedBeforeAnythingRuns() {
        CliRun run = sweep("loss=dsm,dsn");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: job 1 [").contains(" loss=dsn ", "no loss named 'dsn'; available:");
        assertThat(dir.resolve("mlruns")).doesNotExist();
        CliRun malformed = sweep("seed=range(0,x)");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("malformed override 'seed=range(0,x)' at column 14");
        CliRun notMulti = CliRun.run(dir, CliRun.QUICKSTART, "seed=0,1");
        assertThat(notMulti.exitCode()).isEqualTo(2);
        assertThat(notMulti.err()).contains("several values are a sweep: run it with -m");
    }
}
