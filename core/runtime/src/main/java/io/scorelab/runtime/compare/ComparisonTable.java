package io.scorelab.runtime.compare;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A {@link Comparison} as text: fixed-width columns for a terminal (ASCII only, since a terminal's
 * charset may lack {@code ±}), Markdown, and CSV. Text and Markdown round to {@value #DIGITS}
 * significant digits; CSV writes numbers exactly (they parse back to the same double), NaN and
 * infinities as {@code nan}, {@code inf}, {@code -inf}, and empty fields for what a row lacks.
 */
final class ComparisonTable {

    /** Significant digits of the numbers in text and Markdown. */
    static final int DIGITS = 4;
    private static final String BEST = "*";

    private ComparisonTable() {}

    static String text(Comparison comparison) {
        CompareRequest request = comparison.request();
        List<String> header = new ArrayList<>(request.by());
        header.addAll(List.of("runs", "missing", "mean", "std", "min", "max", "best"));
        List<List<String>> cells = new ArrayList<>();
        cells.add(header);
        for (ComparisonRow row : comparison.rows()) {
            List<String> line = new ArrayList<>(shown(row.values()));
            line.addAll(List.of(Integer.toString(row.runs()), Integer.toString(row.missing()), rounded(row.mean()),
                    rounded(row.std()), rounded(row.min()), rounded(row.max()), row.best() ? BEST : ""));
            cells.add(line);
        }
        int[] widths = new int[header.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(title(comparison)).append('\n');
        for (List<String> line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                boolean left = i < request.by().size() || i == widths.length - 1;
                String cell = line.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                text.append(i > 0 ? "  " : "").append(left ? cell + pad : pad + cell);
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
        out.append(legend(comparison, "std", BEST)).append('\n');
        comparison.notes().forEach(note -> out.append(note).append('\n'));
        return out.toString();
    }

    static String markdown(Comparison comparison) {
        CompareRequest request = comparison.request();
        StringBuilder out = new StringBuilder();
        out.append(title(comparison)).append(".\n\n");
        List<String> header = new ArrayList<>(request.by());
        header.addAll(List.of("runs", "missing", "mean ± std", "min", "max", "best"));
        markdownLine(out, header, ComparisonTable::markdownCell);
        List<String> rule = new ArrayList<>();
        request.by().forEach(param -> rule.add(":--"));
        rule.addAll(List.of("--:", "--:", "--:", "--:", "--:", ":-:"));
        markdownLine(out, rule, Function.identity());
        for (ComparisonRow row : comparison.rows()) {
            List<String> line = new ArrayList<>(shown(row.values()).stream().map(ComparisonTable::markdownCell).toList());
            String meanStd = row.mean() == null ? ""
                    : rounded(row.mean()) + (row.std() == null ? "" : " ± " + rounded(row.std()));
            line.addAll(List.of(Integer.toString(row.runs()), Integer.toString(row.missing()), meanStd,
                    rounded(row.min()), rounded(row.max()), row.best() ? "\\" + BEST : ""));
            markdownLine(out, line, Function.identity());
        }
        out.append('\n').append(legend(comparison, "± std", "\\" + BEST)).append('\n');
        if (!comparison.notes().isEmpty()) {
            out.append('\n');
            comparison.notes().forEach(note -> out.append("- ").append(markdownCell(note)).append('\n'));
        }
        return out.toString();
    }

    static String csv(Comparison comparison) {
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(comparison.request().by());
        header.addAll(List.of("runs", "missing", "mean", "std", "min", "max", "best"));
        csvLine(out, header);
        for (ComparisonRow row : comparison.rows()) {
            List<String> line = new ArrayList<>();
            row.values().forEach(value -> line.add(value == null ? "" : value));
            line.addAll(List.of(Integer.toString(row.runs()), Integer.toString(row.missing()), exact(row.mean()),
                    exact(row.std()), exact(row.min()), exact(row.max()), Boolean.toString(row.best())));
            csvLine(out, line);
        }
        return out.toString();
    }

    private static String title(Comparison comparison) {
        CompareRequest request = comparison.request();
        return request.metric() + " of experiment '" + request.experiment() + "' by " + String.join(", ", request.by())
                + ": " + comparison.compared() + " FINISHED runs, the last value of each; "
                + (request.lowerIsBetter() ? "lower" : "higher") + " is better";
    }

    private static String legend(Comparison comparison, String std, String best) {
        return "runs: runs with " + comparison.request().metric() + "; missing: runs without it; " + std
                + ": sample standard deviation (n-1), blank for one run; " + best + ": best mean";
    }

    private static List<String> shown(List<String> values) {
        return values.stream().map(value -> value == null ? Comparison.NONE : value).toList();
    }

    private static void markdownLine(StringBuilder out, List<String> cells, Function<String, String> escape) {
        out.append('|');
        cells.forEach(cell -> out.append(' ').append(escape.apply(cell)).append(" |"));
        out.append('\n');
    }

    /** @return the text with the characters that would end a cell or a line escaped */
    private static String markdownCell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    private static void csvLine(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i);
            boolean quote = field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r");
            out.append(i > 0 ? "," : "").append(quote ? '"' + field.replace("\"", "\"\"") + '"' : field);
        }
        out.append('\n');
    }

    /** @return the value to {@value #DIGITS} significant digits, plain between 1e-4 and 1e6; "" for null */
    static String rounded(Double value) {
        if (value == null) {
            return "";
        }
        if (!Double.isFinite(value)) {
            return exact(value);
        }
        double magnitude = Math.abs(value);
        if (magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e6)) {
            return String.format(Locale.ROOT, "%." + (DIGITS - 1) + "e", value);
        }
        return new BigDecimal(value).round(new MathContext(DIGITS)).stripTrailingZeros().toPlainString();
    }

    private static String exact(Double value) {
        if (value == null) {
            return "";
        }
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return Double.toString(value);
    }
}
