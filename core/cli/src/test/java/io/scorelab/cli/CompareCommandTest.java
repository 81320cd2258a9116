package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scorelab compare} end to end, in process, on a store written by {@link LocalTracker}. */
class CompareCommandTest {

    @TempDir
    Path dir;

    private String parent;

    /**
     * A sweep: a FINISHED parent; children dsm 0.10, 0.12, 0.14, ncsn 0.20, 0.26 and one ncsn without
     * eval/mmd, and one FAILED child.
     */
    @BeforeEach
    void sweep() {
        LocalTracker tracker = new LocalTracker(dir.resolve("mlruns"));
        try (TrackedRun run = tracker.startRun("ablation", "sweep", Map.of())) {
            parent = run.runId();
            run.end(RunStatus.FINISHED);
        }
        child(tracker, "dsm", 1, RunStatus.FINISHED, 0.10);
        child(tracker, "dsm", 2, RunStatus.FINISHED, 0.12);
        child(tracker, "dsm", 3, RunStatus.FINISHED, 0.14);
        child(tracker, "ncsn", 1, RunStatus.FINISHED, 0.20);
        child(tracker, "ncsn", 2, RunStatus.FINISHED, 0.26);
        child(tracker, "ncsn", 3, RunStatus.FINISHED);
        child(tracker, "ncsn", 4, RunStatus.FAILED, 0.01);
    }

    private void child(LocalTracker tracker, String loss, int seed, RunStatus status, double... mmd) {
        try (TrackedRun run = tracker.startRun("ablation", loss + "-" + seed, Map.of("mlflow.parentRunId", parent))) {
            run.logParams(Map.of("loss.name", loss, "seed", Integer.toString(seed)));
            for (double value : mmd) {
                run.logMetric("eval/mmd", value, 1000);
            }
            run.end(status);
        }
    }

    private CliRun compare(String... args) {
        List<String> all = new ArrayList<>(List.of("compare", "--tracking-root", dir.resolve("mlruns").toString(),
                "--out", dir.resolve("out").toString()));
        all.addAll(Arrays.asList(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** Runs compare without --tracking-root: the store comes from --tracking-uri. */
    private CliRun compareAt(String... args) {
        List<String> all = new ArrayList<>(List.of("compare", "--out", dir.resolve("out").toString()));
        all.addAll(Arrays.asList(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void printsTheTableAndWritesTheFiles() {
        CliRun run = compare("--experiment", "ablation", "--metric", "eval/mmd", "--by", "loss.name");

        assertThat(run.exitCode()).as(run.err()).isZero();
        // dsm: mean 0.12, std sqrt((0.02^2 + 0 + 0.02^2) / 2) = 0.02; ncsn: mean 0.23, std 0.03 sqrt(2) = 0.04243
        assertThat(run.out().lines().toList()).startsWith(
                "eval/mmd of experiment 'ablation' by loss.name: 7 FINISHED runs, the last value of each;"
                        + " lower is better",
                "loss.name  runs  missing  mean      std  min   max  best",
                "dsm           3        0  0.12     0.02  0.1  0.14  *",
                "ncsn          2        1  0.23  0.04243  0.2  0.26",
                "(none)        0        1"); // the parent: no loss.name, no eval/mmd
        assertThat(run.out()).contains("skipped: 1 run not FINISHED (1 FAILED)",
                "missing: 2 runs without eval/mmd, counted in the missing column: sweep (" + parent + "), ncsn-3 (",
                "(none): 1 run without the param loss.name");
        for (String extension : List.of("md", "csv", "png")) {
            assertThat(dir.resolve("out/compare-ablation-eval_mmd." + extension)).isNotEmptyFile();
            assertThat(run.out()).contains(dir.resolve("out/compare-ablation-eval_mmd." + extension).toString());
        }
        assertThat(dir.resolve("out/compare-ablation-eval_mmd.md")).content().contains("| dsm | 3 | 0 | 0.12 ± 0.02 |");
    }

    @Test
    void higherIsBetterAndFiltersChangeTheTable() {
        CliRun run = compare("--experiment", "ablation", "--metric", "eval/mmd", "--by", "loss.name", "--by", "seed",
                "--filter", "seed=2", "--higher-is-better");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).startsWith(
                "eval/mmd of experiment 'ablation' by loss.name, seed: 2 FINISHED runs, the last value of each;"
                        + " higher is better",
                "loss.name  seed  runs  missing  mean  std   min   max  best",
                "dsm        2        1        0  0.12       0.12  0.12",
                "ncsn       2        1        0  0.26       0.26  0.26  *");
        assertThat(run.out()).contains("selected: 2 of the 8 runs of experiment 'ablation' by --filter seed=2");
    }

    @Test
    void aParentGetsTheFilesAndStaysFinished() throws IOException {
        CliRun run = compare("--experiment", "ablation", "--metric", "eval/mmd", "--by", "loss.name",
                "--parent", parent);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("logged them as artifacts compare/ of run " + parent + ", which stays FINISHED");
        Path parentDir;
        try (var experiments = Files.list(dir.resolve("mlruns"))) {
            parentDir = experiments.map(e -> e.resolve(parent)).filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(Files.readString(parentDir.resolve("meta.yaml"))).contains("status: 3\n");
        assertThat(parentDir.resolve("artifacts/compare/compare-ablation-eval_mmd.csv"))
                .hasSameTextualContentAs(dir.resolve("out/compare-ablation-eval_mmd.csv"));
        assertThat(parentDir.resolve("artifacts/compare/compare-ablation-eval_mmd.png")).isNotEmptyFile();
    }

    @Test
    void aTrackingUriNamingADirectoryIsTheLocalStore() {
        CliRun run = compareAt("--tracking-uri", dir.resolve("mlruns").toUri().toString(), "--experiment", "ablation",
                "--metric", "eval/mmd", "--by", "loss.name", "--parent", parent);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("dsm           3        0  0.12     0.02  0.1  0.14  *",
                "logged them as artifacts compare/ of run " + parent + ", which stays FINISHED");
    }

    private static void assertUserError(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(fragments).doesNotContain("Exception", "\tat ");
    }

    @Test
    void mistakesAreOneClearMessageAndExitCodeTwo() {
        assertUserError(compare("--experiment", "ablaton", "--metric", "eval/mmd", "--by", "loss.name"),
                "error: no experiment 'ablaton'", "experiments there: 'Default', 'ablation'");
        assertUserError(compare("--experiment", "Default", "--metric", "eval/mmd", "--by", "loss.name"),
                "error: experiment 'Default' has no runs");
        assertUserError(compare("--experiment", "ablation", "--metric", "eval/mmd", "--by", "loss.nam"),
                "error: --by loss.nam: no FINISHED run", "loss.name");
        assertUserError(compare("--experiment", "ablation", "--metric", "eval/mmd", "--by", "loss.name",
                "--filter", "seed"), "error: --filter 'seed': expected key=value");
        assertUserError(compare("--experiment", "ablation", "--metric", "eval/mmd", "--by", "loss.name",
                "--parent", "0123456789abcdef0123456789abcdef"), "error: no run 0123456789abcdef0123456789abcdef");
        assertUserError(compare("--experiment", "ablation", "--by", "loss.name"),
                "Missing required option: '--metric=<metric>'");
        assertUserError(compare("--experiment", "ablation", "--metric", "eval/mmd", "--by", "loss.name",
                "--lower-is-better", "--higher-is-better"), "mutually exclusive");
        assertThat(dir.resolve("out")).doesNotExist(); // nothing written when the command fails
    }

    @Test
    void aServerThatIsNotThereOrNotAServerIsOneClearMessage() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // free once closed: nothing listens there
        }
        assertUserError(compareAt("--tracking-uri", "http://127.0.0.1:" + port, "--experiment", "ablation",
                "--metric", "eval/mmd", "--by", "loss.name"),
                "error: the tracking server http://127.0.0.1:" + port + " is unreachable (",
                "trying to find experiment 'ablation'");
        assertUserError(compareAt("--tracking-uri", "ftp://mlflow:21", "--experiment", "ablation",
                "--metric", "eval/mmd", "--by", "loss.name"),
                "error: tracking URI 'ftp://mlflow:21' is not a server: expected http://host:port");
        assertUserError(compare("--tracking-uri", "http://127.0.0.1:" + port, "--experiment", "ablation",
                "--metric", "eval/mmd", "--by", "loss.name"), "mutually exclusive");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
