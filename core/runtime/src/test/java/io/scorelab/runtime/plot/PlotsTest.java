package io.scorelab.runtime.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

    @TempDir
    Path temp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
        assertThat(GraphicsEnvironment.isHeadless()).isTrue();
    }

    @Test
    void scatterDrawsSamplesOverData() throws IOException {
        Random random = new Random(1);
        double[][] data = new double[2000][];
        double[][] model = new double[2000][];
        for (int i = 0; i < data.length; i++) {
            double angle = 2 * Math.PI * (i % 8) / 8;
            data[i] = new double[] {4 * Math.cos(angle) + 0.2 * random.nextGaussian(),
                4 * Math.sin(angle) + 0.2 * random.nextGaussian()};
            model[i] = new double[] {data[i][0] + 0.4 * random.nextGaussian(), data[i][1] + 0.4 * random.nextGaussian()};
        }
        model[0] = new double[] {Double.NaN, 1};
        Path png = temp.resolve("plots/samples.png");

        Plots.scatter(png, "gmm-2d, step 1000", model, data);

        assertThat(decode(png)).satisfies(image -> {
            assertThat(image.getWidth()).isEqualTo(Plots.SCATTER_SIZE);
            assertThat(image.getHeight()).isEqualTo(Plots.SCATTER_SIZE);
        });
        Plots.scatter(temp.resolve("small.png"), "small", model, data, 320, 240);
        assertThat(decode(temp.resolve("small.png")).getWidth()).isEqualTo(320);
        assertThat(decode(temp.resolve("small.png")).getHeight()).isEqualTo(240);
    }

    @Test
    void scatterCopesWithoutFinitePoints() throws IOException {
        Plots.scatter(temp.resolve("empty.png"), "diverged", new double[][] {{Double.NaN, Double.NaN}}, new double[0][]);

        assertThat(decode(temp.resolve("empty.png")).getWidth()).isEqualTo(Plots.SCATTER_SIZE);
        assertThatThrownBy(() -> Plots.scatter(temp.resolve("x.png"), "3-d", new double[][] {{1, 2, 3}}, new double[0][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 coordinates");
    }

    @Test
    void linesDrawsCurvesOnALogAxis() throws IOException {
        int n = 5000;
        double[] steps = new double[n];
        double[] loss = new double[n];
        double[] ema = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = i;
            loss[i] = 2.0 / Math.sqrt(i + 1) * (1 + 0.3 * Math.sin(i));
            ema[i] = i == 0 ? loss[i] : 0.99 * ema[i - 1] + 0.01 * loss[i];
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("train/loss", new double[][] {steps, loss});
        series.put("smoothed", new double[][] {steps, ema});
        Path png = temp.resolve("loss.png");

        Plots.lines(png, "loss", "step", "loss", series, true);

        assertThat(decode(png).getWidth()).isEqualTo(Plots.LINES_WIDTH);
        assertThat(decode(png).getHeight()).isEqualTo(Plots.LINES_HEIGHT);
    }

    @Test
    void linesFallsBackToALinearAxisForNonPositiveValues() throws IOException {
        Map<String, double[][]> series = Map.of("eval/mmd", new double[][] {{0, 1, 2, 3}, {0.5, -0.1, Double.NaN, 0.2}});

        Plots.lines(temp.resolve("mmd.png"), "mmd", "step", "mmd", series, true, 400, 300);

        assertThat(decode(temp.resolve("mmd.png")).getWidth()).isEqualTo(400);
        assertThat(decode(temp.resolve("mmd.png")).getHeight()).isEqualTo(300);
        Plots.lines(temp.resolve("none.png"), "diverged", "step", "loss",
                Map.of("train/loss", new double[][] {{0, 1}, {Double.NaN, Double.NaN}}), true);
        assertThat(decode(temp.resolve("none.png")).getWidth()).isEqualTo(Plots.LINES_WIDTH);
        assertThatThrownBy(() -> Plots.lines(temp.resolve("bad.png"), "bad", "x", "y",
                Map.of("ragged", new double[][] {{0, 1}, {0}}), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ragged'");
    }

    @Test
    void anUnwritableFileIsNamed() throws IOException {
        Path blocker = Files.writeString(temp.resolve("file"), "x");
        Path png = blocker.resolve("samples.png");

        assertThatThrownBy(() -> Plots.scatter(png, "t", new double[0][], new double[0][]))
                .isInstanceOf(ScorelabException.class).hasMessageContaining(png.toString());
    }

    private static BufferedImage decode(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as(png + " decodes").isNotNull();
        return image;
    }
}
