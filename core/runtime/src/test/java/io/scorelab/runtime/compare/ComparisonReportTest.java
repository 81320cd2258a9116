package io.scorelab.runtime.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files of a comparison, and logging them into a sweep's parent run without changing its status. */
class ComparisonReportTest {

    /** The bars' color, drawn opaque by {@link ComparisonChart}. */
    private static final int BAR_RGB = 0x1f77b4;

    @TempDir
    Path temp;

    private LocalTracker tracker;
    private String parent;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
        assertThat(GraphicsEnvironment.isHeadless()).isTrue();
    }

    /** A finished parent with two dsm children (0.1, 0.3), one ncsn child (0.2) and one ncsn child without the metric. */
    @BeforeEach
    void sweep() {
        tracker = new LocalTracker(temp.resolve("mlruns"));
        try (TrackedRun run = tracker.startRun("sweep 1", "parent", Map.of())) {
            parent = run.runId();
            run.end(RunStatus.FINISHED);
        }
        child("dsm", 0.1);
        child("dsm", 0.3);
        child("ncsn", 0.2);
        child("ncsn", Double.NaN);
    }

    private void child(String loss, double mmd) {
        try (TrackedRun run = tracker.startRun("sweep 1", null, Map.of(CompareRequest.PARENT_TAG, parent))) {
            run.logParams(Map.of("loss.name", loss));
            if (!Double.isNaN(mmd)) {
                run.logMetric("eval/mmd", mmd, 10);
            }
            run.end(RunStatus.FINISHED);
        }
    }

    private Comparison compare(String metric) {
        return Comparison.compute(new LocalRunSource(temp.resolve("mlruns")),
                new CompareRequest("sweep 1", metric, List.of("loss.name"), List.of(), parent, true));
    }

    private Path runDir(String runId) {
        try (var experiments = Files.list(temp.resolve("mlruns"))) {
            return experiments.map(dir -> dir.resolve(runId)).filter(Files::isDirectory).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void writesMarkdownCsvAndABarChart() throws IOException {
        Comparison comparison = compare("eval/mmd");
        ComparisonReport report = ComparisonReport.write(comparison, temp.resolve("out"));

        assertThat(report.files()).extracting(file -> file.getFileName().toString()).containsExactly(
                "compare-sweep_1-eval_mmd.md", "compare-sweep_1-eval_mmd.csv", "compare-sweep_1-eval_mmd.png");
        assertThat(report.markdown()).content().isEqualTo(comparison.markdown());
        assertThat(report.csv()).content().isEqualTo(comparison.csv());
        BufferedImage chart = ImageIO.read(report.chart().toFile());
        assertThat(chart.getWidth()).isEqualTo(ComparisonChart.WIDTH);
        assertThat(chart.getHeight()).isEqualTo(ComparisonChart.HEIGHT);
        // Two bars: dsm at 0.2 and ncsn at 0.2, both tall; their color covers a good part of the plot.
        assertThat(pixels(chart, BAR_RGB)).isGreaterThan(ComparisonChart.WIDTH * ComparisonChart.HEIGHT / 20);
    }

    @Test
    void aChartWithoutFiniteMeansIsStillDrawn() throws IOException {
        try (TrackedRun run = tracker.startRun("sweep 1", null, Map.of(CompareRequest.PARENT_TAG, parent))) {
            run.logParams(Map.of("loss.name", "esm"));
            run.logMetric("eval/diverged", Double.NaN, 1);
            run.end(RunStatus.FINISHED);
        }
        ComparisonReport report = ComparisonReport.write(compare("eval/diverged"), temp.resolve("out"));
        BufferedImage chart = ImageIO.read(report.chart().toFile());
        assertThat(chart.getWidth()).isEqualTo(ComparisonChart.WIDTH);
        assertThat(pixels(chart, BAR_RGB)).isZero();
    }

    @Test
    void theParentGetsTheFilesAndKeepsItsStatus() throws IOException {
        Comparison comparison = compare("eval/mmd");
        ComparisonReport report = ComparisonReport.write(comparison, temp.resolve("out"));

        report.logToEndedRun(tracker, parent, comparison.parentStatus());

        Path parentDir = runDir(parent);
        assertThat(Files.readString(parentDir.resolve("meta.yaml"))).contains("status: 3\n")
                .doesNotContain("end_time: null");
        for (Path file : report.files()) {
            assertThat(parentDir.resolve("artifacts/compare").resolve(file.getFileName())).hasSameBinaryContentAs(file);
        }

        try (TrackedRun failed = tracker.startRun("other", null, Map.of())) {
            failed.end(RunStatus.FAILED);
            report.logToEndedRun(tracker, failed.runId(), RunStatus.FAILED);
            assertThat(Files.readString(runDir(failed.runId()).resolve("meta.yaml"))).contains("status: 4\n");
        }
    }

    @Test
    void theParentKeepsItsStatusWhenLoggingFails() throws IOException {
        ComparisonReport gone = new ComparisonReport(temp.resolve("gone.md"), temp.resolve("gone.csv"),
                temp.resolve("gone.png"));
        assertThatThrownBy(() -> gone.logToEndedRun(tracker, parent, RunStatus.FINISHED))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("gone.md", "no such file");
        assertThat(Files.readString(runDir(parent).resolve("meta.yaml"))).contains("status: 3\n");
    }

    private static int pixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                count += (image.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return count;
    }
}
