package io.scorelab.runtime.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.tracking.LocalTracker;
import io.scorelab.runtime.tracking.RunStatus;
import io.scorelab.runtime.tracking.TrackedRun;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ablation tables from a store built with {@link LocalTracker}. Every mean and standard deviation is
 * worked by hand from the values logged; sums of three or fewer doubles near 0.1 carry rounding
 * errors near 1e-17, so 1e-12 is tight and still far above them.
 */
class ComparisonTest {

    private static final double EXACT = 1e-12;

    @TempDir
    Path temp;

    private LocalTracker tracker;
    /** The id of the run of {@link #ablation()} without eval/mmd. */
    private String ncsnWithoutMetric;

    @BeforeEach
    void store() {
        tracker = new LocalTracker(temp.resolve("mlruns"));
    }

    private Comparison compare(String experiment, List<String> by, List<RunFilter> filters, String parent,
            boolean lowerIsBetter) {
        return Comparison.compute(new LocalRunSource(temp.resolve("mlruns")),
                new CompareRequest(experiment, "eval/mmd", by, filters, parent, lowerIsBetter));
    }

    private Comparison compare(String experiment, String... by) {
        return compare(experiment, List.of(by), List.of(), null, true);
    }

    /**
     * Records a run with params "key=value" and eval/mmd points, each {step, value}; ended with the
     * status, or left running for null.
     */
    private String run(String experiment, String name, RunStatus status, Map<String, String> tags, String params,
            double[]... points) {
        TrackedRun run = tracker.startRun(experiment, name, tags);
        Map<String, String> values = new LinkedHashMap<>();
        Arrays.stream(params.split(" ")).map(p -> p.split("=")).forEach(p -> values.put(p[0], p[1]));
        run.logParams(values);
        run.logMetric("train/loss", 1.0, 1);
        for (double[] point : points) {
            run.logMetric("eval/mmd", point[1], (long) point[0], 1000);
        }
        if (status != null) {
            run.end(status);
        }
        return run.runId();
    }

    private String run(String name, String params, double... lastValues) {
        return run("ablation", name, RunStatus.FINISHED, Map.of(), params,
                Arrays.stream(lastValues).mapToObj(v -> new double[] {100, v}).toArray(double[][]::new));
    }

    /**
     * dsm: 0.10, 0.12, 0.14 (the last points by step and timestamp); ncsn: 0.20, 0.26 and a run
     * without eval/mmd; ssm: 0.30 alone; plus runs FAILED, KILLED and RUNNING that must not count.
     */
    private void ablation() {
        run("ablation", "dsm-1", RunStatus.FINISHED, Map.of(), "loss.name=dsm seed=1",
                new double[] {200, 0.10}, new double[] {100, 0.5}); // step 200 is the last, though logged first
        TrackedRun laterTimestamp = tracker.startRun("ablation", "dsm-2", Map.of());
        laterTimestamp.logParams(Map.of("loss.name", "dsm", "seed", "2"));
        laterTimestamp.logMetric("eval/mmd", 0.12, 200, 2000);
        laterTimestamp.logMetric("eval/mmd", 0.99, 200, 1000); // same step, earlier timestamp
        laterTimestamp.end(RunStatus.FINISHED);
        run("dsm-3", "loss.name=dsm seed=3", 0.14);
        run("ncsn-1", "loss.name=ncsn seed=1", 0.20);
        run("ncsn-2", "loss.name=ncsn seed=2", 0.26);
        ncsnWithoutMetric = run("ncsn-3", "loss.name=ncsn seed=3");
        run("ssm-1", "loss.name=ssm seed=1", 0.30);
        run("ablation", "dsm-failed", RunStatus.FAILED, Map.of(), "loss.name=dsm seed=4", new double[] {100, 1e-4});
        run("ablation", "ncsn-killed", RunStatus.KILLED, Map.of(), "loss.name=ncsn seed=5");
        run("ablation", "ssm-running", null, Map.of(), "loss.name=ssm seed=6");
    }

    private static void assertRow(ComparisonRow row, List<String> values, int runs, int missing, Double mean,
            Double std, Double min, Double max, boolean best) {
        assertThat(row.values()).isEqualTo(values);
        assertThat(row.runs()).isEqualTo(runs);
        assertThat(row.missing()).isEqualTo(missing);
        assertClose(row.mean(), mean);
        assertClose(row.std(), std);
        assertClose(row.min(), min);
        assertClose(row.max(), max);
        assertThat(row.best()).isEqualTo(best);
    }

    private static void assertClose(Double actual, Double expected) {
        if (expected == null) {
            assertThat(actual).isNull();
        } else {
            assertThat(actual).isCloseTo(expected, within(EXACT));
        }
    }

    @Test
    void meanStdMinMaxPerRowOfTheLastValues() {
        ablation();
        Comparison comparison = compare("ablation", "loss.name");

        List<ComparisonRow> rows = comparison.rows();
        assertThat(rows).hasSize(3);
        // dsm: mean (0.10 + 0.12 + 0.14) / 3 = 0.12; std sqrt((0.02^2 + 0 + 0.02^2) / 2) = 0.02
        assertRow(rows.get(0), List.of("dsm"), 3, 0, 0.12, 0.02, 0.10, 0.14, true);
        // ncsn: mean (0.20 + 0.26) / 2 = 0.23; std sqrt((0.03^2 + 0.03^2) / 1) = 0.03 sqrt(2); one run missing
        assertRow(rows.get(1), List.of("ncsn"), 2, 1, 0.23, 0.03 * Math.sqrt(2), 0.20, 0.26, false);
        // ssm: one run, so no std
        assertRow(rows.get(2), List.of("ssm"), 1, 0, 0.30, null, 0.30, 0.30, false);
        assertThat(comparison.compared()).isEqualTo(7);
        assertThat(comparison.skipped()).isEqualTo(
                Map.of(RunStatus.FAILED, 1, RunStatus.KILLED, 1, RunStatus.RUNNING, 1));
        assertThat(comparison.notes()).containsExactly(
                "skipped: 3 runs not FINISHED (1 RUNNING, 1 FAILED, 1 KILLED)",
                "missing: 1 run without eval/mmd, counted in the missing column: ncsn-3 (" + ncsnWithoutMetric + ")");
    }

    @Test
    void higherIsBetterMarksTheHighestMean() {
        ablation();
        List<ComparisonRow> rows = compare("ablation", List.of("loss.name"), List.of(), null, false).rows();
        assertThat(rows).extracting(ComparisonRow::best).containsExactly(false, false, true);
    }

    @Test
    void rowsAreCombinationsSortedNumbersFirstNumericallyAndMissingParamsLast() {
        run("r", "loss.name=dsm trainer.lr=0.01", 0.3);
        run("r", "loss.name=dsm trainer.lr=1e-3", 0.2);
        run("r", "loss.name=dsm trainer.lr=0.0001", 0.4);
        run("r", "loss.name=dsm trainer.lr=auto", 0.5);
        run("r", "loss.name=ncsn trainer.lr=10", 0.6);
        run("r", "loss.name=ncsn trainer.lr=2", 0.7);
        run("r", "loss.name=ncsn trainer.lr=2", 0.9);
        run("r", "loss.name=ncsn seed=1", 0.8);

        Comparison comparison = compare("ablation", "loss.name", "trainer.lr");

        assertThat(comparison.rows()).extracting(ComparisonRow::values).containsExactly(
                List.of("dsm", "0.0001"), List.of("dsm", "1e-3"), List.of("dsm", "0.01"), List.of("dsm", "auto"),
                Arrays.asList("ncsn", "2"), List.of("ncsn", "10"), Arrays.asList("ncsn", null));
        // ncsn, 2: mean (0.7 + 0.9) / 2 = 0.8; std sqrt((0.1^2 + 0.1^2) / 1) = 0.1 sqrt(2)
        assertRow(comparison.rows().get(4), List.of("ncsn", "2"), 2, 0, 0.8, 0.1 * Math.sqrt(2), 0.7, 0.9, false);
        assertThat(comparison.rows().get(1).best()).isTrue();
        assertThat(comparison.notes()).containsExactly("(none): 1 run without the param trainer.lr");
        assertThat(comparison.text()).contains("ncsn       (none)");
    }

    @Test
    void filtersKeepRunsByParamOrTag() {
        ablation();
        run("ablation", "tagged", RunStatus.FINISHED, Map.of("group", "b"), "loss.name=ssm seed=9",
                new double[] {1, 0.5});

        Comparison byParam = compare("ablation", List.of("seed"), List.of(RunFilter.parse("loss.name=dsm")), null, true);
        assertThat(byParam.rows()).extracting(ComparisonRow::values)
                .containsExactly(List.of("1"), List.of("2"), List.of("3"));
        assertThat(byParam.skipped()).isEqualTo(Map.of(RunStatus.FAILED, 1));
        assertThat(byParam.notes().get(0))
                .isEqualTo("selected: 4 of the 11 runs of experiment 'ablation' by --filter loss.name=dsm");

        Comparison byTag = compare("ablation", List.of("loss.name"),
                List.of(RunFilter.parse("group=b"), RunFilter.parse("seed=9")), null, true);
        assertThat(byTag.rows()).hasSize(1);
        assertRow(byTag.rows().get(0), List.of("ssm"), 1, 0, 0.5, null, 0.5, 0.5, true);
    }

    @Test
    void badFiltersAreClearErrors() {
        ablation();
        assertThatThrownBy(() -> RunFilter.parse("loss.name"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("'loss.name': expected key=value");
        assertThatThrownBy(() -> RunFilter.parse("=dsm"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("the key before '=' is empty");
        assertThat(RunFilter.parse("note=a=b")).isEqualTo(new RunFilter("note", "a=b"));
        assertThatThrownBy(() -> compare("ablation", List.of("seed"), List.of(RunFilter.parse("los.name=dsm")), null,
                true)).isInstanceOf(ScorelabException.class)
                .hasMessage("--filter los.name=dsm: no run of experiment 'ablation' has a param or tag 'los.name'");
        assertThatThrownBy(() -> compare("ablation", List.of("seed"), List.of(RunFilter.parse("loss.name=esm")), null,
                true)).isInstanceOf(ScorelabException.class)
                .hasMessage("--filter loss.name=esm: no run of experiment 'ablation' has that value;"
                        + " loss.name is one of dsm, ncsn, ssm");
    }

    @Test
    void unknownExperimentsParamsMetricsAndEmptySelectionsAreClearErrors() {
        ablation();
        run("broken", "failed", RunStatus.FAILED, Map.of(), "loss.name=dsm", new double[] {1, 0.5});

        assertThatThrownBy(() -> compare("ablaton", "loss.name")).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("no experiment 'ablaton'", "experiments there: 'Default', 'ablation', 'broken'");
        assertThatThrownBy(() -> compare("Default", "loss.name")).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("experiment 'Default' has no runs");
        assertThatThrownBy(() -> compare("broken", "loss.name")).isInstanceOf(ScorelabException.class)
                .hasMessage("no FINISHED run among the 1 run of experiment 'broken' (1 FAILED)");
        assertThatThrownBy(() -> compare("ablation", "loss.nam")).isInstanceOf(ScorelabException.class)
                .hasMessage("--by loss.nam: no FINISHED run of experiment 'ablation' has a param 'loss.nam';"
                        + " their params starting with 'loss.': loss.name");
        assertThatThrownBy(() -> compare("ablation", "sed")).isInstanceOf(ScorelabException.class)
                .hasMessageEndingWith("their params: loss.name, seed");
        assertThatThrownBy(() -> Comparison.compute(new LocalRunSource(temp.resolve("mlruns")),
                new CompareRequest("ablation", "eval/mdd", List.of("loss.name"), List.of(), null, true)))
                .isInstanceOf(ScorelabException.class)
                .hasMessage("no FINISHED run of experiment 'ablation' has the metric 'eval/mdd';"
                        + " their metrics: eval/mmd, train/loss");
    }

    @Test
    void aParentSelectsItsChildren() {
        String parent = run("sweep", "parent", RunStatus.FINISHED, Map.of(), "sweep=loss");
        Map<String, String> child = Map.of(CompareRequest.PARENT_TAG, parent);
        run("sweep", "a", RunStatus.FINISHED, child, "loss.name=dsm", new double[] {1, 0.1});
        run("sweep", "b", RunStatus.FINISHED, child, "loss.name=dsm", new double[] {1, 0.3});
        run("sweep", "c", RunStatus.FAILED, child, "loss.name=ncsn");
        run("sweep", "other sweep", RunStatus.FINISHED, Map.of(), "loss.name=ncsn", new double[] {1, 0.9});

        Comparison comparison = compare("sweep", List.of("loss.name"), List.of(), parent, true);

        // dsm: mean (0.1 + 0.3) / 2 = 0.2; std sqrt((0.1^2 + 0.1^2) / 1) = 0.1 sqrt(2)
        assertThat(comparison.rows()).hasSize(1);
        assertRow(comparison.rows().get(0), List.of("dsm"), 2, 0, 0.2, 0.1 * Math.sqrt(2), 0.1, 0.3, true);
        assertThat(comparison.parentStatus()).isEqualTo(RunStatus.FINISHED);
        assertThat(comparison.notes()).containsExactly(
                "selected: 3 of the 5 runs of experiment 'sweep' by --parent " + parent,
                "skipped: 1 run not FINISHED (1 FAILED)");

        assertThatThrownBy(() -> compare("sweep", List.of("loss.name"), List.of(), "0123456789abcdef0123456789abcdef",
                true)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("no run 0123456789abcdef0123456789abcdef in");
        String running = run("sweep", "running parent", null, Map.of(), "sweep=seed");
        assertThatThrownBy(() -> compare("sweep", List.of("loss.name"), List.of(), running, true))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("--parent " + running + ": the run is RUNNING",
                        "--filter mlflow.parentRunId=" + running);
        String childless = run("sweep", "childless", RunStatus.FINISHED, Map.of(), "sweep=none");
        assertThatThrownBy(() -> compare("sweep", List.of("loss.name"), List.of(), childless, true))
                .isInstanceOf(ScorelabException.class)
                .hasMessage("no run of experiment 'sweep' is a child of run " + childless
                        + " (tag mlflow.parentRunId = " + childless + ")");
    }

    @Test
    void tablesAsTextMarkdownAndCsv() {
        ablation();
        run("ablation", "diverged", RunStatus.FINISHED, Map.of(), "loss.name=esm|x seed=1",
                new double[] {1, Double.NaN});
        Comparison comparison = compare("ablation", "loss.name");

        assertThat(comparison.text().lines().toList()).startsWith(
                "eval/mmd of experiment 'ablation' by loss.name: 8 FINISHED runs, the last value of each;"
                        + " lower is better",
                "loss.name  runs  missing  mean      std  min   max  best",
                "dsm           3        0  0.12     0.02  0.1  0.14  *",
                "esm|x         1        0   nan           nan   nan",
                "ncsn          2        1  0.23  0.04243  0.2  0.26",
                "ssm           1        0   0.3           0.3   0.3",
                "runs: runs with eval/mmd; missing: runs without it; std: sample standard deviation (n-1),"
                        + " blank for one run; *: best mean");
        assertThat(comparison.text()).contains("non-finite: 1 run whose last eval/mmd is NaN or infinite");

        assertThat(comparison.markdown().lines().toList()).startsWith(
                "eval/mmd of experiment 'ablation' by loss.name: 8 FINISHED runs, the last value of each;"
                        + " lower is better.",
                "",
                "| loss.name | runs | missing | mean ± std | min | max | best |",
                "| :-- | --: | --: | --: | --: | --: | :-: |",
                "| dsm | 3 | 0 | 0.12 ± 0.02 | 0.1 | 0.14 | \\* |",
                "| esm\\|x | 1 | 0 | nan | nan | nan |  |",
                "| ncsn | 2 | 1 | 0.23 ± 0.04243 | 0.2 | 0.26 |  |",
                "| ssm | 1 | 0 | 0.3 | 0.3 | 0.3 |  |",
                "");
        assertThat(comparison.markdown()).contains("\n- skipped: 3 runs not FINISHED");

        List<String> csv = comparison.csv().lines().toList();
        assertThat(csv.get(0)).isEqualTo("loss.name,runs,missing,mean,std,min,max,best");
        assertThat(csv.get(2)).isEqualTo("esm|x,1,0,nan,,nan,nan,false");
        assertThat(csv.get(4)).isEqualTo("ssm,1,0,0.3,,0.3,0.3,false");
        String[] dsm = csv.get(1).split(",");
        assertThat(dsm).startsWith("dsm", "3", "0").endsWith("true");
        assertThat(Double.parseDouble(dsm[3])).isCloseTo(0.12, within(EXACT));
        assertThat(Double.parseDouble(dsm[4])).isCloseTo(0.02, within(EXACT));
        // Exact: the double itself, not the rounded text.
        assertThat(Double.parseDouble(dsm[3])).isEqualTo(comparison.rows().get(0).mean());
    }

    @Test
    void numbersRoundToFourSignificantDigits() {
        assertThat(ComparisonTable.rounded(0.123456)).isEqualTo("0.1235");
        assertThat(ComparisonTable.rounded(1234567.0)).isEqualTo("1.235e+06");
        assertThat(ComparisonTable.rounded(0.00001234)).isEqualTo("1.234e-05");
        assertThat(ComparisonTable.rounded(0.0)).isEqualTo("0");
        assertThat(ComparisonTable.rounded(-2.5)).isEqualTo("-2.5");
        assertThat(ComparisonTable.rounded(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(ComparisonTable.rounded(null)).isEmpty();
    }
}
