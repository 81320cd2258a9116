package io.scorelab.runtime.plot;

import io.scorelab.api.ScorelabException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PNG plots of a run: model samples over data samples, and curves such as the loss. Drawn with
 * XChart into an image, so they work headless ({@code java.awt.headless=true}). Points that are NaN
 * or infinite (a diverged model's) are left out, and the title says how many.
 */
public final class Plots {

    /** Width and height of {@link #scatter(Path, String, double[][], double[][])}, in pixels. */
    public static final int SCATTER_SIZE = 800;
    /** Width of {@link #lines(Path, String, String, String, Map, boolean)}, in pixels. */
    public static final int LINES_WIDTH = 1000;
    /** Height of {@link #lines(Path, String, String, String, Map, boolean)}, in pixels. */
    public static final int LINES_HEIGHT = 600;

    private static final Color DATA_COLOR = new Color(0x1f, 0x77, 0xb4, 110);
    private static final Color MODEL_COLOR = new Color(0xff, 0x7f, 0x0e, 150);
    private static final int MARKER_SIZE = 3;
    private static final Logger LOG = LoggerFactory.getLogger(Plots.class);

    private Plots() {}

    /**
     * Draws 2-D model samples over data samples, {@link #SCATTER_SIZE} pixels square, with the same
     * range on both axes.
     *
     * @param png the file to write
     * @param title the plot's title
     * @param samples the model's samples, rows of (x, y)
     * @param reference the data's samples, rows of (x, y)
     * @throws ScorelabException naming the file if it cannot be written
     */
    public static void scatter(Path png, String title, double[][] samples, double[][] reference) {
        scatter(png, title, samples, reference, SCATTER_SIZE, SCATTER_SIZE);
    }

    /**
     * Draws 2-D model samples over data samples, with the same range on both axes.
     *
     * @param png the file to write
     * @param title the plot's title
     * @param samples the model's samples, rows of (x, y)
     * @param reference the data's samples, rows of (x, y)
     * @param width the image's width in pixels
     * @param height the image's height in pixels
     * @throws ScorelabException naming the file if it cannot be written
     */
    public static void scatter(Path png, String title, double[][] samples, double[][] reference, int width,
            int height) {
        double[][] model = finitePoints(samples, "samples");
        double[][] data = finitePoints(reference, "reference");
        int omitted = samples.length - model[0].length + reference.length - data[0].length;
        XYChart chart = new XYChartBuilder().width(width).height(height).title(withOmitted(title, omitted))
                .xAxisTitle("x").yAxisTitle("y").build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(MARKER_SIZE);
        double[] range = squareRange(model, data);
        chart.getStyler().setXAxisMin(range[0]).setXAxisMax(range[1]).setYAxisMin(range[0]).setYAxisMax(range[1]);
        addPoints(chart, "data (" + data[0].length + ")", data, DATA_COLOR);
        addPoints(chart, "model (" + model[0].length + ")", model, MODEL_COLOR);
        write(chart, png);
    }

    /**
     * Draws curves, {@link #LINES_WIDTH} by {@link #LINES_HEIGHT} pixels.
     *
     * @param png the file to write
     * @param title the plot's title
     * @param xLabel the x axis' label, for example {@code step}
     * @param yLabel the y axis' label, for example {@code loss}
     * @param series each curve's name to {@code {xs, ys}}, two arrays of the same length
     * @param logY a logarithmic y axis; ignored (with a warning) unless every drawn y is positive
     * @throws ScorelabException naming the file if it cannot be written
     */
    public static void lines(Path png, String title, String xLabel, String yLabel, Map<String, double[][]> series,
            boolean logY) {
        lines(png, title, xLabel, yLabel, series, logY, LINES_WIDTH, LINES_HEIGHT);
    }

    /**
     * Draws curves.
     *
     * @param png the file to write
     * @param title the plot's title
     * @param xLabel the x axis' label, for example {@code step}
     * @param yLabel the y axis' label, for example {@code loss}
     * @param series each curve's name to {@code {xs, ys}}, two arrays of the same length
     * @param logY a logarithmic y axis; ignored (with a warning) unless every drawn y is positive
     * @param width the image's width in pixels
     * @param height the image's height in pixels
     * @throws ScorelabException naming the file if it cannot be written
     */
    public static void lines(Path png, String title, String xLabel, String yLabel, Map<String, double[][]> series,
            boolean logY, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setLegendVisible(series.size() > 1);
        int omitted = 0;
        int drawn = 0;
        boolean allPositive = true;
        for (Map.Entry<String, double[][]> curve : series.entrySet()) {
            double[][] points = finiteCurve(curve.getKey(), curve.getValue());
            omitted += curve.getValue()[0].length - points[0].length;
            allPositive &= Arrays.stream(points[1]).allMatch(y -> y > 0);
            drawn += points[0].length;
            if (points[0].length > 0) {
                XYSeries line = chart.addSeries(curve.getKey(), points[0], points[1]);
                line.setMarker(SeriesMarkers.NONE);
                line.setLineStyle(new BasicStroke(1.5f));
            }
        }
        boolean logarithmic = logY && allPositive && drawn > 0;
        if (logY && !logarithmic) {
            LOG.warn("Plot {}: not every value is positive, so the y axis of '{}' is linear", png, title);
        }
        chart.getStyler().setYAxisLogarithmic(logarithmic);
        chart.setTitle(withOmitted(title, omitted));
        write(chart, png);
    }

    private static void style(XYChart chart) {
        XYStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setAntiAlias(true);
        styler.setPlotGridLinesColor(new Color(0xdd, 0xdd, 0xdd));
    }

    private static void addPoints(XYChart chart, String name, double[][] points, Color color) {
        if (points[0].length == 0) {
            return;
        }
        XYSeries series = chart.addSeries(name, points[0], points[1]);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setMarkerColor(color);
    }

    /** @return {xs, ys} of the rows whose coordinates are both finite */
    private static double[][] finitePoints(double[][] rows, String what) {
        double[] xs = new double[rows.length];
        double[] ys = new double[rows.length];
        int n = 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != 2) {
                throw new IllegalArgumentException(
                        what + " row " + i + " has " + rows[i].length + " coordinates; a scatter plot needs 2");
            }
            if (Double.isFinite(rows[i][0]) && Double.isFinite(rows[i][1])) {
                xs[n] = rows[i][0];
                ys[n] = rows[i][1];
                n++;
            }
        }
        return new double[][] {Arrays.copyOf(xs, n), Arrays.copyOf(ys, n)};
    }

    /** @return {xs, ys} of the points whose x and y are both finite */
    private static double[][] finiteCurve(String name, double[][] curve) {
        if (curve.length != 2 || curve[0].length != curve[1].length) {
            throw new IllegalArgumentException("series '" + name + "' must be {xs, ys} of equal lengths");
        }
        double[][] rows = new double[curve[0].length][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {curve[0][i], curve[1][i]};
        }
        return finitePoints(rows, "series '" + name + "'");
    }

    /** @return one range covering every x and y, padded by 5%; [-1, 1] without points */
    private static double[] squareRange(double[][]... pointSets) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double[][] points : pointSets) {
            for (double[] coordinates : points) {
                for (double value : coordinates) {
                    low = Math.min(low, value);
                    high = Math.max(high, value);
                }
            }
        }
        if (low > high) {
            return new double[] {-1, 1};
        }
        double pad = high > low ? 0.05 * (high - low) : 1;
        return new double[] {low - pad, high + pad};
    }

    private static String withOmitted(String title, int omitted) {
        return omitted == 0 ? title
                : title + " (" + omitted + " non-finite point" + (omitted == 1 ? "" : "s") + " not shown)";
    }

    private static void write(XYChart chart, Path png) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try (OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new ScorelabException("cannot write the plot " + png + ": " + e.getMessage(), e);
        }
    }
}
