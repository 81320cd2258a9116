package io.scorelab.runtime.plot;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.ScoreFunction;
import io.scorelab.plugins.datasets.GaussianMixtureDataset;
import io.scorelab.plugins.samplers.EulerMaruyamaSampler;
import io.scorelab.plugins.schedules.VeSchedule;
import io.scorelab.runtime.plot.FieldPlots.Square;
import io.scorelab.runtime.run.Evaluation;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldPlotsTest {

    private static final int WHITE = 0xFFFFFF;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static int rgb(BufferedImage image, Square square, double x, double y) {
        return image.getRGB((int) FieldPlots.pixelX(square, x), (int) FieldPlots.pixelY(square, y)) & 0xFFFFFF;
    }

    /** One path (-1, 0) -&gt; (0, 0) -&gt; (1, 0) over two data points: the line is drawn, the region off it is not. */
    @Test
    void aPathIsDrawnAlongItsStatesAndNowhereElse(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("trajectories.png");
        double[][][] paths = {{{-1, 0}, {0, 0}, {1, 0}}};
        double[][] data = {{0, 1}, {0, -1}};
        FieldPlots.trajectories(png, "paths", paths, data);
        BufferedImage image = ImageIO.read(png.toFile());
        Square square = Square.around(paths[0], data);
        assertThat(image.getWidth()).isEqualTo(FieldPlots.SIZE);
        assertThat(image.getHeight()).isEqualTo(FieldPlots.SIZE);
        assertThat(rgb(image, square, 0.5, 0)).isNotEqualTo(WHITE);
        assertThat(rgb(image, square, -0.5, 0)).isNotEqualTo(WHITE);
        assertThat(rgb(image, square, 0.5, 0.5)).isEqualTo(WHITE);
        // The end is a filled dot, green above red: its centre is greener than it is red.
        int end = rgb(image, square, 1, 0);
        assertThat((end >> 8) & 0xFF).isGreaterThan((end >> 16) & 0xFF);
    }

    /**
     * s(x) = -x on [-1, 1]^2: a corner arrow is longer than |v|_90, so it is cut to one grid spacing h = 0.1 and
     * points at the centre. The pixel 0.035 along it (12 px) is inked, the one 0.035 behind its start is not: an
     * arrow pointing outwards fails both.
     */
    @Test
    void arrowsOfMinusXPointToTheCentre(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("score_field.png");
        Square square = new Square(-1, -1, 2);
        double[][] centres = square.grid(20);
        double[][] vectors = new double[centres.length][];
        for (int k = 0; k < centres.length; k++) {
            vectors[k] = new double[] {-centres[k][0], -centres[k][1]};
        }
        FieldPlots.scoreField(png, "s(x) = -x", square, vectors, null, new double[0][]);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(FieldPlots.SIZE);
        assertThat(image.getHeight()).isEqualTo(FieldPlots.SIZE);
        double step = 0.035;
        for (double[] corner : new double[][] {{0.95, 0.95}, {-0.95, 0.95}, {-0.95, -0.95}, {0.95, -0.95}}) {
            double inward = -Math.signum(corner[0]) * step;
            double upward = -Math.signum(corner[1]) * step;
            assertThat(rgb(image, square, corner[0] + inward, corner[1] + upward)).isNotEqualTo(WHITE);
            assertThat(rgb(image, square, corner[0] - inward, corner[1] - upward)).isEqualTo(WHITE);
        }
    }

    /**
     * log p = -|x|^2 / 0.02 on a 50 x 50 grid: the origin is in the top band (shaded), x = (0.5, 0) lies 12.5 nats
     * below the maximum, beyond the {@value FieldPlots#CONTOUR_LEVELS} shaded bands (white). Both pixels are at
     * least 16 px from every arrow.
     */
    @Test
    void theLogDensityIsShadedWhereItIsHigh(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("score_field.png");
        Square square = new Square(-1, -1, 2);
        double[][] centres = square.grid(20);
        double[][] vectors = new double[centres.length][];
        for (int k = 0; k < centres.length; k++) {
            vectors[k] = new double[] {-centres[k][0], -centres[k][1]};
        }
        double[][] cells = square.grid(50);
        double[] logDensity = new double[cells.length];
        for (int k = 0; k < cells.length; k++) {
            logDensity[k] = -(cells[k][0] * cells[k][0] + cells[k][1] * cells[k][1]) / 0.02;
        }
        FieldPlots.scoreField(png, "density", square, vectors, logDensity, new double[0][]);
        BufferedImage image = ImageIO.read(png.toFile());
        int centre = rgb(image, square, 0, 0);
        assertThat(centre).isNotEqualTo(WHITE);
        assertThat(centre & 0xFF).isGreaterThan((centre >> 16) & 0xFF); // blue over red
        assertThat(rgb(image, square, 0.5, 0)).isEqualTo(WHITE);
    }

    /** writeSamples with a model and a trajectory adds both plots for 2-D data; without them it writes neither. */
    @Test
    void writeSamplesAddsTrajectoriesAndScoreFieldFor2dData(@TempDir Path dir) throws Exception {
        NoiseSchedule schedule = new VeSchedule(0.01, 10, 1e-5);
        GaussianMixtureDataset data = new GaussianMixtureDataset(4, 2, 0.2, new double[0]);
        ScoreFunction model = (x, t) -> x.neg();
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleResult result = new EulerMaruyamaSampler(20, false).sample(model, schedule, new SampleNoise(3, 0), manager,
                    new Shape(100, 2));
            var files = Evaluation.writeSamples(dir, "samples", result.samples(), data, manager, result.trajectory(),
                    model, schedule);
            assertThat(files).extracting(f -> f.getFileName().toString())
                    .containsExactly("samples.npy", "samples.csv", "samples.png", "trajectories.png", "score_field.png");
            for (String name : new String[] {"trajectories.png", "score_field.png"}) {
                BufferedImage image = ImageIO.read(dir.resolve(name).toFile());
                assertThat(image.getWidth()).isEqualTo(FieldPlots.SIZE);
                assertThat(image.getHeight()).isEqualTo(FieldPlots.SIZE);
            }
            Path plain = dir.resolve("plain");
            Files.createDirectories(plain);
            assertThat(Evaluation.writeSamples(plain, "samples", result.samples(), data, manager)).hasSize(3);
            assertThat(Evaluation.writeSamples(plain, "samples", result.samples(), data, manager, Optional.empty(),
                    null, null)).hasSize(3);
        }
    }
}
