package io.scorelab.runtime.compare;

import io.scorelab.api.ScorelabException;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.CategoryStyler;

/**
 * A {@link Comparison} as a PNG bar chart, drawn headless with XChart in the style of {@link
 * io.scorelab.runtime.plot.Plots}: one bar per row at its mean, an error bar of one sample standard
 * deviation either side (none for a row of one run), the best row's label marked {@code *}. Rows
 * without a finite mean (all runs missing the metric, or a non-finite value) are left out, and the
 * title says how many; if no row has one, every row is shown without a bar.
 */
final class ComparisonChart {

    /** Width of the chart, in pixels. */
    static final int WIDTH = 1000;
    /** Height of the chart, in pixels. */
    static final int HEIGHT = 600;

    private static final Color BAR_COLOR = new Color(0x1f, 0x77, 0xb4);

    private ComparisonChart() {}

    static void write(Comparison comparison, Path png) {
        CompareRequest request = comparison.request();
        List<String> labels = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (ComparisonRow row : comparison.rows()) {
            if (row.mean() != null && Double.isFinite(row.mean())) {
                labels.add(label(row));
                means.add(row.mean());
                errors.add(row.std() == null ? 0.0 : row.std());
            }
        }
        int omitted = comparison.rows().size() - labels.size();
        String title = request.metric() + ": mean ± std over runs, " + (request.lowerIsBetter() ? "lower" : "higher")
                + " is better" + (omitted == 0 ? ""
                        : " (" + omitted + " row" + (omitted == 1 ? "" : "s") + " without a finite mean not shown)");
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(String.join(", ", request.by())).yAxisTitle(request.metric()).build();
        CategoryStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xdd, 0xdd, 0xdd));
        styler.setAntiAlias(true);
        styler.setLegendVisible(false);
        styler.setErrorBarsColor(Color.BLACK);
        styler.setXAxisLabelRotation(labels.size() > 8 ? 45 : 0);
        if (labels.isEmpty()) {
            // XChart cannot draw a chart without a series, nor bars of no value: zero-height bars show the rows.
            comparison.rows().forEach(row -> {
                labels.add(label(row));
                means.add(0.0);
                errors.add(0.0);
            });
        }
        CategorySeries bars = chart.addSeries(request.metric(), labels, means, errors);
        bars.setFillColor(BAR_COLOR);
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new ScorelabException("cannot write the chart " + png + ": " + e.getMessage(), e);
        }
    }

    private static String label(ComparisonRow row) {
        String label = String.join(", ", row.values().stream()
                .map(value -> value == null ? Comparison.NONE : value).toList());
        return row.best() ? label + " *" : label;
    }
}
