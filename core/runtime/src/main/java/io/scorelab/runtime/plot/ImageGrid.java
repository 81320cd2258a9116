package io.scorelab.runtime.plot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A PNG grid of images: row-major tiles with a one-pixel grey gap, each pixel magnified to a square
 * block so that 8x8 digits stay legible. Grey for one channel, RGB for three.
 */
public final class ImageGrid {

    /** Each image pixel becomes a square of this many screen pixels at least (small images are scaled up). */
    private static final int MIN_TILE = 64;

    /** The colour of the one-pixel gaps between tiles: mid grey, so black-background images stay apart. */
    private static final Color GAP = new Color(128, 128, 128);

    private ImageGrid() {}

    /**
     * @param png the file to write
     * @param images intensities in [0, 1], shape (n, c, h, w) with c = 1 or 3
     * @param columns tiles per row
     */
    public static void write(Path png, NDArray images, int columns) {
        Shape shape = images.getShape();
        if (shape.dimension() != 4 || (shape.get(1) != 1 && shape.get(1) != 3)) {
            throw new IllegalArgumentException("expected images of shape (n, 1 or 3, h, w), got " + shape);
        }
        int n = (int) shape.get(0);
        int channels = (int) shape.get(1);
        int h = (int) shape.get(2);
        int w = (int) shape.get(3);
        float[] values = images.toType(DataType.FLOAT32, false).toFloatArray();
        int zoom = Math.max(1, MIN_TILE / Math.max(h, w));
        int rows = (n + columns - 1) / columns;
        int tileW = w * zoom + 1;
        int tileH = h * zoom + 1;
        BufferedImage grid = new BufferedImage(columns * tileW + 1, rows * tileH + 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D background = grid.createGraphics();
        background.setColor(GAP);
        background.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        background.dispose();
        for (int k = 0; k < n; k++) {
            int left = (k % columns) * tileW + 1;
            int top = (k / columns) * tileH + 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        int channel = channels == 1 ? 0 : c;
                        float v = values[((k * channels + channel) * h + y) * w + x];
                        int level = Math.round(255 * Math.min(1f, Math.max(0f, v)));
                        rgb = (rgb << 8) | level;
                    }
                    for (int dy = 0; dy < zoom; dy++) {
                        for (int dx = 0; dx < zoom; dx++) {
                            grid.setRGB(left + x * zoom + dx, top + y * zoom + dy, rgb);
                        }
                    }
                }
            }
        }
        try {
            ImageIO.write(grid, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}
