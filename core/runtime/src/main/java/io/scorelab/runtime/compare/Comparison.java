package io.scorelab.runtime.compare;

import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.tracking.RunStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An ablation table: the FINISHED runs of an experiment (optionally the children of a parent run,
 * and those passing filters), one row per combination of the values of the {@code by} params, with
 * statistics of each run's latest value x of the metric over the n runs of the row that have it:
 *
 * <pre>
 * mean = (1/n) sum_i x_i
 * std  = sqrt( sum_i (x_i - mean)^2 / (n - 1) )     sample standard deviation; none for n = 1
 * min  = min_i x_i,  max = max_i x_i
 * </pre>
 *
 * The best row has the lowest mean (or the highest, if higher is better) among the finite means.
 * A run without the metric is counted in its row's {@code missing}, never dropped; runs of other
 * statuses are counted in {@link #skipped()}. Rows are sorted by the {@code by} values, numbers
 * numerically and before other text, runs without the param ({@code (none)}) last.
 */
public final class Comparison {

    /** How a row shows runs without one of the {@code by} params. */
    static final String NONE = "(none)";
    /** How many runs a note names before "and N more". */
    private static final int NAMED_RUNS = 10;
    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private final CompareRequest request;
    private final List<ComparisonRow> rows;
    private final int compared;
    private final Map<RunStatus, Integer> skipped;
    private final RunStatus parentStatus;
    private final List<String> notes;

    private Comparison(CompareRequest request, List<ComparisonRow> rows, int compared,
            Map<RunStatus, Integer> skipped, RunStatus parentStatus, List<String> notes) {
        this.request = request;
        this.rows = rows;
        this.compared = compared;
        this.skipped = skipped;
        this.parentStatus = parentStatus;
        this.notes = notes;
    }

    /**
     * Reads the runs and computes the table.
     *
     * @param source where the runs are
     * @param request what to compare
     * @return the table
     * @throws ScorelabException for an unknown experiment, an experiment without runs, a parent run
     *     that does not exist or has not ended (its artifacts would race the sweep still writing
     *     it), no run left after the parent and filters, a filter key or {@code by} param no run
     *     has, or a metric no run has
     */
    public static Comparison compute(RunSource source, CompareRequest request) {
        String experiment = "experiment '" + request.experiment() + "'";
        List<RunRecord> runs = source.runs(request.experiment(), request.metric());
        if (runs.isEmpty()) {
            throw new ScorelabException(experiment + " has no runs (in " + source.location() + ")");
        }
        int total = runs.size();
        List<String> selection = new ArrayList<>();
        RunStatus parentStatus = null;
        if (request.parentRunId() != null) {
            parentStatus = parentStatus(source, request.parentRunId());
            runs = runs.stream().filter(run -> request.parentRunId().equals(run.tags().get(CompareRequest.PARENT_TAG)))
                    .toList();
            if (runs.isEmpty()) {
                throw new ScorelabException("no run of " + experiment + " is a child of run " + request.parentRunId()
                        + " (tag " + CompareRequest.PARENT_TAG + " = " + request.parentRunId() + ")");
            }
            selection.add("--parent " + request.parentRunId());
        }
        for (RunFilter filter : request.filters()) {
            runs = filtered(runs, filter, experiment);
            selection.add("--filter " + filter);
        }

        Map<RunStatus, Integer> skipped = new EnumMap<>(RunStatus.class);
        List<RunRecord> finished = new ArrayList<>();
        for (RunRecord run : runs) {
            if (run.status() == RunStatus.FINISHED) {
                finished.add(run);
            } else {
                skipped.merge(run.status(), 1, Integer::sum);
            }
        }
        String selected = selection.isEmpty() ? "" : " selected by " + String.join(", ", selection);
        if (finished.isEmpty()) {
            throw new ScorelabException("no FINISHED run among the " + runs(runs.size()) + " of " + experiment
                    + selected + " (" + statuses(skipped) + ")");
        }
        for (String param : request.by()) {
            checkParam(finished, param, experiment + selected);
        }
        if (finished.stream().noneMatch(run -> run.latest().isPresent())) {
            Set<String> metrics = finished.stream().flatMap(run -> run.metrics().stream())
                    .collect(Collectors.toCollection(TreeSet::new));
            throw new ScorelabException("no FINISHED run of " + experiment + selected + " has the metric '"
                    + request.metric() + "'; " + (metrics.isEmpty() ? "they have no metrics"
                            : "their metrics: " + String.join(", ", metrics)));
        }

        List<ComparisonRow> rows = rows(finished, request);
        List<String> notes = new ArrayList<>();
        if (!selection.isEmpty()) {
            notes.add("selected: " + runs.size() + " of the " + total + " runs of " + experiment + " by "
                    + String.join(", ", selection));
        }
        if (!skipped.isEmpty()) {
            int count = skipped.values().stream().mapToInt(Integer::intValue).sum();
            notes.add("skipped: " + runs(count) + " not FINISHED (" + statuses(skipped) + ")");
        }
        List<RunRecord> missing = finished.stream().filter(run -> run.latest().isEmpty()).toList();
        if (!missing.isEmpty()) {
            notes.add("missing: " + runs(missing.size()) + " without " + request.metric() + ", counted in the"
                    + " missing column: " + named(missing));
        }
        List<RunRecord> nonFinite = finished.stream()
                .filter(run -> run.latest().isPresent() && !Double.isFinite(run.latest().getAsDouble())).toList();
        if (!nonFinite.isEmpty()) {
            notes.add("non-finite: " + runs(nonFinite.size()) + " whose last " + request.metric()
                    + " is NaN or infinite, which makes the statistics of " + (nonFinite.size() == 1 ? "its" : "their")
                    + " row non-finite: " + named(nonFinite));
        }
        for (String param : request.by()) {
            long without = finished.stream().filter(run -> !run.params().containsKey(param)).count();
            if (without > 0) {
                notes.add(NONE + ": " + runs((int) without) + " without the param " + param);
            }
        }
        return new Comparison(request, rows, finished.size(), skipped, parentStatus,
                List.copyOf(notes));
    }

    private static RunStatus parentStatus(RunSource source, String parentRunId) {
        RunStatus status = source.status(parentRunId);
        if (status == RunStatus.RUNNING || status == RunStatus.SCHEDULED) {
            throw new ScorelabException("--parent " + parentRunId + ": the run is " + status + ", so its sweep may"
                    + " still be writing it; compare logs into a parent after it has ended. To compare its children"
                    + " now without logging, use --filter " + CompareRequest.PARENT_TAG + "=" + parentRunId);
        }
        return status;
    }

    private static List<RunRecord> filtered(List<RunRecord> runs, RunFilter filter, String experiment) {
        Set<String> values = runs.stream().map(filter::valueOf).filter(Objects::nonNull)
                .collect(Collectors.toCollection(() -> new TreeSet<>(Comparison::compareValues)));
        if (values.isEmpty()) {
            throw new ScorelabException("--filter " + filter + ": no run of " + experiment
                    + " has a param or tag '" + filter.key() + "'");
        }
        List<RunRecord> kept = runs.stream().filter(filter::matches).toList();
        if (kept.isEmpty()) {
            throw new ScorelabException("--filter " + filter + ": no run of " + experiment + " has that value; "
                    + filter.key() + " is one of " + String.join(", ", values));
        }
        return kept;
    }

    private static void checkParam(List<RunRecord> runs, String param, String selection) {
        if (runs.stream().anyMatch(run -> run.params().containsKey(param))) {
            return;
        }
        Set<String> params = runs.stream().flatMap(run -> run.params().keySet().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        String prefix = param.contains(".") ? param.substring(0, param.indexOf('.') + 1) : param;
        List<String> near = params.stream().filter(key -> key.startsWith(prefix)).toList();
        throw new ScorelabException("--by " + param + ": no FINISHED run of " + selection + " has a param '" + param
                + "'; " + (params.isEmpty() ? "they have no params"
                        : near.isEmpty() ? "their params: " + String.join(", ", params)
                        : "their params starting with '" + prefix + "': " + String.join(", ", near)));
    }

    private static List<ComparisonRow> rows(List<RunRecord> finished, CompareRequest request) {
        Map<List<String>, List<RunRecord>> groups = new TreeMap<>(Comparison::compareKeys);
        for (RunRecord run : finished) {
            List<String> key = request.by().stream().map(param -> run.params().get(param)).toList();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
        }
        List<ComparisonRow> unmarked = new ArrayList<>();
        groups.forEach((key, group) -> unmarked.add(row(key, group)));
        Comparator<Double> better = request.lowerIsBetter() ? Comparator.naturalOrder() : Comparator.reverseOrder();
        Double best = unmarked.stream().map(ComparisonRow::mean).filter(mean -> mean != null && Double.isFinite(mean))
                .min(better).orElse(null);
        return unmarked.stream().map(row -> row.withBest(best != null && best.equals(row.mean()))).toList();
    }

    private static ComparisonRow row(List<String> key, List<RunRecord> group) {
        double[] values = group.stream().filter(run -> run.latest().isPresent())
                .mapToDouble(run -> run.latest().getAsDouble()).toArray();
        int n = values.length;
        int missing = group.size() - n;
        if (n == 0) {
            return new ComparisonRow(key, 0, missing, null, null, null, null, false);
        }
        double mean = Arrays.stream(values).sum() / n;
        Double std = null;
        if (n > 1) {
            double squares = Arrays.stream(values).map(x -> (x - mean) * (x - mean)).sum();
            std = Math.sqrt(squares / (n - 1));
        }
        double min = Arrays.stream(values).reduce(Double.POSITIVE_INFINITY, Math::min);
        double max = Arrays.stream(values).reduce(Double.NEGATIVE_INFINITY, Math::max);
        return new ComparisonRow(key, n, missing, mean, std, min, max, false);
    }

    /** Orders rows by their values, the first param first. */
    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int order = compareValues(a.get(i), b.get(i));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    /** Numbers numerically, then other text, then null; ties of equal numbers ({@code 1}, {@code 1.0}) by text. */
    static int compareValues(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : 1) : -1;
        }
        boolean aNumber = NUMBER.matcher(a).matches();
        boolean bNumber = NUMBER.matcher(b).matches();
        if (aNumber != bNumber) {
            return aNumber ? -1 : 1;
        }
        int order = aNumber ? Double.compare(Double.parseDouble(a), Double.parseDouble(b)) : 0;
        return order != 0 ? order : a.compareTo(b);
    }

    private static String statuses(Map<RunStatus, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }

    private static String runs(int count) {
        return count + (count == 1 ? " run" : " runs");
    }

    private static String named(Collection<RunRecord> runs) {
        String names = runs.stream().limit(NAMED_RUNS).map(RunRecord::label).collect(Collectors.joining(", "));
        return runs.size() > NAMED_RUNS ? names + " and " + (runs.size() - NAMED_RUNS) + " more" : names;
    }

    /** @return what was compared */
    public CompareRequest request() {
        return request;
    }

    /** @return the rows, sorted by the {@code by} values */
    public List<ComparisonRow> rows() {
        return rows;
    }

    /** @return how many FINISHED runs the table covers, with the metric or missing it */
    public int compared() {
        return compared;
    }

    /** @return how many selected runs were left out for their status, by status */
    public Map<RunStatus, Integer> skipped() {
        return Collections.unmodifiableMap(skipped);
    }

    /** @return the status of the parent run before the comparison, or null without one */
    public RunStatus parentStatus() {
        return parentStatus;
    }

    /**
     * @return lines for under the table: the selection, runs skipped for their status, runs without
     *     the metric, runs with a non-finite value, runs without a {@code by} param
     */
    public List<String> notes() {
        return notes;
    }

    /** @return the table in fixed-width columns, with a title line and the notes, for a terminal */
    public String text() {
        return ComparisonTable.text(this);
    }

    /** @return the table as Markdown, with a title and the notes */
    public String markdown() {
        return ComparisonTable.markdown(this);
    }

    /** @return the table as CSV with a header row, numbers exact */
    public String csv() {
        return ComparisonTable.csv(this);
    }
}
