package io.scorelab.runtime.plot;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

    @Test
    void tilesAreMagnifiedAndKeepTheirIntensities(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            // three 1x2x2 images: black, white, and one with a single mid-grey pixel (0.5 -> 128)
            NDArray images = manager.create(new float[] {0, 0, 0, 0, 1, 1, 1, 1, 0.5f, 0, 0, 0}, new Shape(3, 1, 2, 2));
            Path png = dir.resolve("grid.png");
            ImageGrid.write(png, images, 2);
            BufferedImage read = ImageIO.read(png.toFile());
            int zoom = 32; // 64 / max(h, w)
            assertThat(read.getWidth()).isEqualTo(2 * (2 * zoom + 1) + 1);
            assertThat(read.getHeight()).isEqualTo(2 * (2 * zoom + 1) + 1);
            assertThat(read.getRGB(0, 0) & 0xFF).isEqualTo(128); // the gap
            assertThat(read.getRGB(1, 1) & 0xFF).isEqualTo(0);
            assertThat(read.getRGB(2 * zoom + 2, 1) & 0xFF).isEqualTo(255);
            assertThat(read.getRGB(1 + zoom - 1, 2 * zoom + 2) & 0xFF).isEqualTo(128);
            assertThat(read.getRGB(1 + zoom, 2 * zoom + 2) & 0xFF).isEqualTo(0);
        }
    }
}
