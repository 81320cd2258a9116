package io.scorelab.runtime.compare;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import io.scorelab.runtime.tracking.Tracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files of a {@link Comparison}: {@code compare-<experiment>-<metric>.md}, {@code .csv} and
 * {@code .png}, each character of the names other than letters, digits, {@code . _ -} replaced by
 * {@code _} (so {@code eval/mmd} becomes {@code eval_mmd}).
 *
 * @param markdown the Markdown table
 * @param csv the CSV table
 * @param chart the bar chart
 */
public record ComparisonReport(Path markdown, Path csv, Path chart) {

    /** The artifact directory the files go to in a run. */
    public static final String ARTIFACT_DIRECTORY = "compare";

    /**
     * Writes the files, replacing files of the same names.
     *
     * @param comparison the table
     * @param directory where to write them, created if absent
     * @return the files
     * @throws ScorelabException naming a file that cannot be written
     */
    public static ComparisonReport write(Comparison comparison, Path directory) {
        CompareRequest request = comparison.request();
        String base = "compare-" + fileName(request.experiment()) + "-" + fileName(request.metric());
        ComparisonReport report = new ComparisonReport(directory.resolve(base + ".md"),
                directory.resolve(base + ".csv"), directory.resolve(base + ".png"));
        writeText(report.markdown(), comparison.markdown());
        writeText(report.csv(), comparison.csv());
        ComparisonChart.write(comparison, report.chart());
        return report;
    }

    /** @return the files, Markdown, CSV, chart */
    public List<Path> files() {
        return List.of(markdown, csv, chart);
    }

    /**
     * Logs the files as artifacts of a running run, under {@value #ARTIFACT_DIRECTORY}/.
     *
     * @param run the run
     */
    public void logTo(TrackedRun run) {
        files().forEach(file -> run.logArtifact(file, ARTIFACT_DIRECTORY));
    }

    /**
     * Logs the files as artifacts of an ended run and ends it again with the status it had. Opening
     * the run marks it running; it is ended again even if logging fails, so it keeps its status, but
     * its end time becomes now.
     *
     * @param tracker the store holding the run
     * @param runId the run's id
     * @param status its status before: {@link RunStatus#FINISHED}, {@link RunStatus#FAILED} or {@link
     *     RunStatus#KILLED}
     */
    public void logToEndedRun(Tracker tracker, String runId, RunStatus status) {
        if (status == RunStatus.RUNNING || status == RunStatus.SCHEDULED) {
            throw new IllegalArgumentException("run " + runId + " is " + status + ", not ended");
        }
        try (TrackedRun run = tracker.openRun(runId)) {
            try {
                logTo(run);
            } finally {
                run.end(status);
            }
        }
    }

    private static String fileName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScorelabException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
