package io.scorelab.runtime.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.Metric;
import io.scorelab.api.MetricInput;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleResult;
import io.scorelab.api.Sampler;
import io.scorelab.api.ScoreFunction;
import io.scorelab.runtime.plot.ImageGrid;
import io.scorelab.runtime.plot.NpyFile;
import io.scorelab.runtime.plot.Plots;
import io.scorelab.runtime.plot.SampleTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluation of a model, at the end of a run or from a checkpoint ({@code scorelab eval}): n
 * samples from the chosen sampler, then every chosen metric on them ({@code eval/<key>}, plus
 * {@code eval/nfe} and {@code eval/sampling_seconds}).
 */
public final class Evaluation {

    /** Images shown in a sample grid at most. */
    private static final int GRID_IMAGES = 64;

    private final Dataset dataset;
    private final NoiseSchedule schedule;
    private final Sampler sampler;
    private final Map<String, Metric> metrics;

    /**
     * @param dataset the data (fresh draws and exact densities for the metrics)
     * @param schedule the forward process
     * @param sampler draws the samples
     * @param metrics the metrics by name
     */
    public Evaluation(Dataset dataset, NoiseSchedule schedule, Sampler sampler, Map<String, Metric> metrics) {
        this.dataset = dataset;
        this.schedule = schedule;
        this.sampler = sampler;
        this.metrics = metrics;
    }

    /**
     * The samples and the values of one evaluation.
     *
     * @param samples shape (n, d...), owned by the manager given to {@link #run}
     * @param values metric values by their logged name ({@code eval/...})
     */
    public record Result(NDArray samples, Map<String, Double> values) {}

    /**
     * @param model the score model to sample from (the EMA weights)
     * @param manager owns the samples and everything the metrics make
     * @param n the number of samples
     * @return the samples and the values
     */
    public Result run(ScoreFunction model, NDManager manager, int n) {
        Map<String, Double> values = new LinkedHashMap<>();
        long start = System.nanoTime();
        Shape shape = new Shape(n).addAll(dataset.exampleShape());
        SampleResult result = sampler.sample(model, schedule, manager, shape);
        values.put("eval/nfe", (double) result.nfe());
        values.put("eval/sampling_seconds", (System.nanoTime() - start) / 1e9);
        for (Map.Entry<String, Metric> metric : metrics.entrySet()) {
            try (NDManager scratch = manager.newSubManager()) {
                MetricInput input = new MetricInput(result.samples(), dataset, model, schedule, scratch);
                metric.getValue().evaluate(input).forEach((key, value) -> values.put("eval/" + key, value));
            }
        }
        return new Result(result.samples(), values);
    }

    /**
     * Writes samples as {@code <name>.npy} and {@code <name>.csv}, and as {@code <name>.png}: a grid for
     * image data, a scatter over fresh data for 2-D points.
     *
     * @param directory where the files go
     * @param name the files' base name
     * @param samples shape (n, d...)
     * @param dataset draws the reference points of a scatter and knows how images were scaled
     * @param manager owns the reference points
     * @return the files written
     */
    public static List<Path> writeSamples(Path directory, String name, NDArray samples, Dataset dataset, NDManager manager) {
        List<Path> files = new ArrayList<>();
        Path npy = directory.resolve(name + ".npy");
        NpyFile.write(npy, samples);
        files.add(npy);
        double[][] rows = rows(samples);
        Path csv = directory.resolve(name + ".csv");
        String[] header = new String[rows[0].length];
        for (int j = 0; j < header.length; j++) {
            header[j] = "x" + j;
        }
        SampleTable.write(csv, header, rows);
        files.add(csv);
        Path png = directory.resolve(name + ".png");
        if (dataset.images().isPresent()) {
            long shown = Math.min(GRID_IMAGES, samples.getShape().get(0));
            ImageGrid.write(png, dataset.images().get().toUnitRange(samples.get("0:" + shown)), 8);
            files.add(png);
        } else if (rows[0].length == 2) {
            double[][] data = rows(dataset.sample(manager, rows.length));
            Plots.scatter(png, "samples (EMA model) over data", rows, data);
            files.add(png);
        }
        return files;
    }

    private static double[][] rows(NDArray samples) {
        NDArray flat = samples.reshape(samples.getShape().get(0), -1).toType(DataType.FLOAT64, false);
        int n = (int) flat.getShape().get(0);
        int d = (int) flat.getShape().get(1);
        double[] values = flat.toDoubleArray();
        double[][] rows = new double[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(values, i * d, rows[i], 0, d);
        }
        return rows;
    }
}
