package io.scorelab.runtime.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.Config;
import io.scorelab.api.Dataset;
import io.scorelab.api.Metric;
import io.scorelab.api.MetricInput;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.SampleResult.Trajectory;
import io.scorelab.api.Sampler;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.plot.FieldPlots;
import io.scorelab.runtime.plot.ImageGrid;
import io.scorelab.runtime.plot.NpyFile;
import io.scorelab.runtime.plot.Plots;
import io.scorelab.runtime.plot.SampleTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One evaluation of a model, at the end of a run or from a checkpoint ({@code scorelab eval}): n
 * samples from the chosen sampler, then every chosen metric on them ({@code eval/<key>}, plus
 * {@code eval/nfe} and {@code eval/sampling_seconds}).
 *
 * <p>The sampler's noise is per sample ({@link SampleNoise}): {@link #noise(Config)} makes it from the
 * configuration's {@code sample.seed} (the run's {@code seed} by default), with the first sample
 * numbered {@code sample.first} (0 by default). Sample k of an evaluation is then reproduced alone by
 * {@code scorelab sample <run> --n 1 --first k}, and every evaluation of a run (every {@code
 * eval.every} steps) starts from the same prior draws.
 */
public final class Evaluation {

    /** Images shown in a sample grid at most. */
    private static final int GRID_IMAGES = 64;
    /** Arrows per side of a score field plot. */
    static final int FIELD_ARROWS = 20;
    /** Cells per side of the density under a score field plot. */
    static final int FIELD_DENSITY = 100;

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
     * @param trajectory the sampler's intermediate states of the first samples, if it recorded them
     */
    public record Result(NDArray samples, Map<String, Double> values, Optional<Trajectory> trajectory) {}

    /**
     * @param model the score model to sample from (the EMA weights)
     * @param manager owns the samples and everything the metrics make
     * @param noise the sampler's per-sample noise, fresh: row r of the samples is sample noise.first() + r
     * @param n the number of samples
     * @return the samples and the values
     */
    public Result run(ScoreFunction model, NDManager manager, SampleNoise noise, int n) {
        Map<String, Double> values = new LinkedHashMap<>();
        long start = System.nanoTime();
        Shape shape = new Shape(n).addAll(dataset.exampleShape());
        SampleResult result = sampler.sample(model, schedule, noise, manager, shape);
        values.put("eval/nfe", (double) result.nfe());
        values.put("eval/sampling_seconds", (System.nanoTime() - start) / 1e9);
        for (Map.Entry<String, Metric> metric : metrics.entrySet()) {
            try (NDManager scratch = manager.newSubManager()) {
                MetricInput input = new MetricInput(result.samples(), dataset, model, schedule, scratch);
                metric.getValue().evaluate(input).forEach((key, value) -> values.put("eval/" + key, value));
            }
        }
        return new Result(result.samples(), values, result.trajectory());
    }

    /**
     * @param config a run's resolved configuration
     * @return fresh per-sample noise of its {@code sample.seed}, first sample {@code sample.first}
     * @throws ScorelabException if sample.first is not an index in [0, 2^24)
     */
    public static SampleNoise noise(Config config) {
        Options sample = Options.of(config, "sample");
        long first = sample.getLong("first");
        if (first < 0 || first >= SampleNoise.MAX_SAMPLES) {
            throw sample.invalid("first", "the index of the first sample, an integer in [0, " + SampleNoise.MAX_SAMPLES + ")");
        }
        return new SampleNoise(sample.getLong("seed"), first);
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
        return writeSamples(directory, name, samples, dataset, manager, Optional.empty(), null, null);
    }

    /**
     * Writes samples as {@link #writeSamples(Path, String, NDArray, Dataset, NDManager)} does and, for 2-D
     * points, two more plots: {@code trajectories.png}, the sampler's paths from the prior draw to the
     * samples over fresh data, and {@code score_field.png}, the model's score s(x, t_eps) at the
     * schedule's smallest time as arrows on a {@value #FIELD_ARROWS}x{@value #FIELD_ARROWS} grid over the
     * data's bounding box (made square), over the exact noised log-density of the data at t_eps when the
     * data set knows it,
     *
     * <pre>
     *   log p_t(x) = log p_{sigma/alpha}(x / alpha) - d log alpha,   alpha = alpha(t_eps), sigma = sigma(t_eps),
     * </pre>
     *
     * and over a scatter of the data otherwise.
     *
     * @param trajectory the sampler's intermediate states; without them no {@code trajectories.png}
     * @param model the score model, or null for no {@code score_field.png}
     * @param schedule the forward process, which gives t_eps (needed with a model)
     * @return the files written
     */
    public static List<Path> writeSamples(Path directory, String name, NDArray samples, Dataset dataset,
            NDManager manager, Optional<Trajectory> trajectory, ScoreFunction model, NoiseSchedule schedule) {
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
            if (trajectory.isPresent()) {
                Path paths = directory.resolve("trajectories.png");
                FieldPlots.trajectories(paths, "sampler paths from the prior (grey) to the samples (green) over data",
                        paths(trajectory.get()), data);
                files.add(paths);
            }
            if (model != null) {
                Path field = directory.resolve("score_field.png");
                writeScoreField(field, model, schedule, dataset, data, manager);
                files.add(field);
            }
        }
        return files;
    }

    /** @return paths[i][j], sample i at state j, from states of shape (k, m, 2) */
    private static double[][][] paths(Trajectory trajectory) {
        NDArray states = trajectory.states();
        int k = (int) states.getShape().get(0);
        int m = (int) states.getShape().get(1);
        double[] values = states.toType(DataType.FLOAT64, false).toDoubleArray();
        double[][][] paths = new double[m][k][];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < m; i++) {
                int at = (j * m + i) * 2;
                paths[i][j] = new double[] {values[at], values[at + 1]};
            }
        }
        return paths;
    }

    private static void writeScoreField(Path png, ScoreFunction model, NoiseSchedule schedule, Dataset dataset,
            double[][] data, NDManager manager) {
        double t = schedule.tMin();
        FieldPlots.Square square = FieldPlots.Square.around(data);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray points = grid(scratch, square, FIELD_ARROWS);
            NDArray times = scratch.full(new Shape(points.getShape().get(0)), (float) t, DataType.FLOAT32);
            double[][] vectors = rows(model.score(points, times));
            double[] logDensity = dataset.density().map(density -> {
                double alpha = schedule.alphaAt(t);
                double sigma = schedule.sigmaAt(t);
                NDArray x = grid(scratch, square, FIELD_DENSITY).div(alpha);
                NDArray level = scratch.create((float) (sigma / alpha));
                return density.logDensity(x, level).sub(2 * Math.log(alpha))
                        .toType(DataType.FLOAT64, false).toDoubleArray();
            }).orElse(null);
            FieldPlots.scoreField(png, String.format(Locale.ROOT, "score s(x, t) at t = %.3g (sigma = %.3g)%s", t,
                    schedule.sigmaAt(t), logDensity == null ? " over data" : " over the exact log-density"),
                    square, vectors, logDensity, logDensity == null ? data : new double[0][]);
        }
    }

    /** @return the centres of a size x size grid of the square, shape (size^2, 2), float32 */
    private static NDArray grid(NDManager manager, FieldPlots.Square square, int size) {
        double[][] centres = square.grid(size);
        float[] flat = new float[centres.length * 2];
        for (int k = 0; k < centres.length; k++) {
            flat[2 * k] = (float) centres[k][0];
            flat[2 * k + 1] = (float) centres[k][1];
        }
        return manager.create(flat, new Shape(centres.length, 2));
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
