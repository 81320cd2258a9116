package io.scorelab.runtime.plot;

import io.scorelab.api.ScorelabException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * PNG plots in the plane drawn with Java2D, {@link #SIZE} pixels square with the same scale on both
 * axes: sampler paths over data, and a vector field (the learned score) as arrows over a density.
 * Non-finite points are skipped. The arrows of a field share one scale: with |v|_90 the 90th
 * percentile of the vectors' lengths and h the grid spacing,
 *
 * <pre>
 *   arrow(v) = v * 0.9 h / |v|_90,   cut to length h,
 * </pre>
 *
 * so the typical arrow nearly reaches the next grid point and none overlaps it. A log-density is
 * shown as filled contours one nat apart, from its maximum down to {@link #CONTOUR_LEVELS} nats below.
 */
public final class FieldPlots {

    /** Width and height of every plot, in pixels. */
    public static final int SIZE = 800;
    /** The number of one-nat bands of a log-density that are shaded; lower values are background. */
    public static final int CONTOUR_LEVELS = 10;

    static final Color BACKGROUND = Color.WHITE;
    private static final Color DATA_COLOR = new Color(0x1f, 0x77, 0xb4, 70);
    private static final Color PATH_COLOR = new Color(0xd6, 0x27, 0x28, 140);
    private static final Color START_COLOR = new Color(0x7f, 0x7f, 0x7f);
    private static final Color END_COLOR = new Color(0x2c, 0xa0, 0x2c);
    private static final Color ARROW_COLOR = Color.BLACK;
    private static final Color DENSITY_COLOR = new Color(0x1f, 0x77, 0xb4);
    private static final int MARGIN = 50;
    private static final double PERCENTILE = 0.9;

    private FieldPlots() {}

    /**
     * A square region of the plane, [x0, x0 + width] x [y0, y0 + width].
     *
     * @param x0 the left edge
     * @param y0 the bottom edge
     * @param width the side, positive
     */
    public record Square(double x0, double y0, double width) {

        public Square {
            if (!(width > 0 && Double.isFinite(width) && Double.isFinite(x0) && Double.isFinite(y0))) {
                throw new IllegalArgumentException("a square needs a finite corner and a positive width, got ("
                        + x0 + ", " + y0 + ") and " + width);
            }
        }

        /**
         * @param points rows of (x, y); non-finite ones are ignored
         * @return the bounding box of the points made square about its centre and padded by 5% per side; the
         *     square [-1, 1]^2 without finite points
         */
        public static Square around(double[][]... points) {
            double[] low = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
            double[] high = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
            for (double[][] set : points) {
                for (double[] p : set) {
                    if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                        for (int k = 0; k < 2; k++) {
                            low[k] = Math.min(low[k], p[k]);
                            high[k] = Math.max(high[k], p[k]);
                        }
                    }
                }
            }
            if (low[0] > high[0]) {
                return new Square(-1, -1, 2);
            }
            double side = Math.max(high[0] - low[0], high[1] - low[1]);
            side = side > 0 ? side * 1.1 : 2;
            return new Square((low[0] + high[0] - side) / 2, (low[1] + high[1] - side) / 2, side);
        }

        /** @return the size x size points x_i = x0 + (i + 1/2) width / size, the same in y, row-major by y then x */
        public double[][] grid(int size) {
            double[][] points = new double[size * size][];
            for (int j = 0; j < size; j++) {
                for (int i = 0; i < size; i++) {
                    points[j * size + i] = new double[] {x0 + (i + 0.5) * width / size, y0 + (j + 0.5) * width / size};
                }
            }
            return points;
        }
    }

    /**
     * Draws each path as a thin line over a light scatter of data, its start as a grey ring and its end
     * as a green dot.
     *
     * @param png the file to write
     * @param title the plot's title
     * @param paths paths[i][j] = (x, y) of path i at its j-th state
     * @param reference the data's samples, rows of (x, y)
     * @throws ScorelabException naming the file if it cannot be written
     */
    public static void trajectories(Path png, String title, double[][][] paths, double[][] reference) {
        double[][] all = Arrays.stream(paths).flatMap(Arrays::stream).toArray(double[][]::new);
        Square square = Square.around(all, reference);
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image, title, square);
        drawPoints(g, square, reference, DATA_COLOR, 3);
        g.setStroke(new BasicStroke(1f));
        for (double[][] path : paths) {
            Path2D line = new Path2D.Double();
            boolean pen = false;
            for (double[] point : path) {
                if (!(Double.isFinite(point[0]) && Double.isFinite(point[1]))) {
                    pen = false;
                    continue;
                }
                double px = pixelX(square, point[0]);
                double py = pixelY(square, point[1]);
                if (pen) {
                    line.lineTo(px, py);
                } else {
                    line.moveTo(px, py);
                    pen = true;
                }
            }
            g.setColor(PATH_COLOR);
            g.draw(line);
        }
        for (double[][] path : paths) {
            if (path.length > 0) {
                marker(g, square, path[0], START_COLOR, false);
                marker(g, square, path[path.length - 1], END_COLOR, true);
            }
        }
        g.dispose();
        write(image, png);
    }

    /**
     * Draws a vector field as arrows from the centres of a size x size grid of a square (see {@link
     * Square#grid(int)}), over filled contours of a log-density on a finer grid of the same square, and a
     * light scatter of data.
     *
     * @param png the file to write
     * @param title the plot's title
     * @param square the region, and the grid of the arrows
     * @param vectors the field at {@code square.grid(size)}, rows of (v_x, v_y), size^2 of them
     * @param logDensity log p at {@code square.grid(r)} for some r (r^2 values), or null for none
     * @param reference the data's samples, rows of (x, y), or an empty array for none
     * @throws ScorelabException naming the file if it cannot be written
     */
    public static void scoreField(Path png, String title, Square square, double[][] vectors, double[] logDensity,
            double[][] reference) {
        int size = side(vectors.length, "vectors");
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image, title, square);
        if (logDensity != null) {
            drawContours(g, square, logDensity);
        }
        drawPoints(g, square, reference, DATA_COLOR, 3);
        double[][] centres = square.grid(size);
        double spacing = square.width() / size;
        double scale = 0.9 * spacing / percentileLength(vectors);
        g.setColor(ARROW_COLOR);
        g.setStroke(new BasicStroke(1.2f));
        for (int k = 0; k < vectors.length; k++) {
            double vx = vectors[k][0];
            double vy = vectors[k][1];
            double length = Math.hypot(vx, vy);
            if (!Double.isFinite(length) || length == 0 || !Double.isFinite(scale)) {
                continue;
            }
            double drawn = Math.min(length * scale, spacing);
            arrow(g, square, centres[k], vx / length * drawn, vy / length * drawn);
        }
        g.dispose();
        write(image, png);
    }

    /** @return the pixel column of x */
    static double pixelX(Square square, double x) {
        return MARGIN + (x - square.x0()) / square.width() * (SIZE - 2 * MARGIN);
    }

    /** @return the pixel row of y (rows grow downwards) */
    static double pixelY(Square square, double y) {
        return SIZE - MARGIN - (y - square.y0()) / square.width() * (SIZE - 2 * MARGIN);
    }

    private static Graphics2D canvas(BufferedImage image, String title, Square square) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, SIZE, SIZE);
        g.setColor(Color.DARK_GRAY);
        g.drawRect(MARGIN, MARGIN, SIZE - 2 * MARGIN, SIZE - 2 * MARGIN);
        g.drawString(title, MARGIN, MARGIN - 20);
        double x1 = square.x0() + square.width();
        double y1 = square.y0() + square.width();
        g.drawString(String.format(Locale.ROOT, "%.3g", square.x0()), MARGIN, SIZE - MARGIN + 16);
        String right = String.format(Locale.ROOT, "%.3g", x1);
        g.drawString(right, SIZE - MARGIN - g.getFontMetrics().stringWidth(right), SIZE - MARGIN + 16);
        String bottom = String.format(Locale.ROOT, "%.3g", square.y0());
        g.drawString(bottom, MARGIN - 4 - g.getFontMetrics().stringWidth(bottom), SIZE - MARGIN);
        String top = String.format(Locale.ROOT, "%.3g", y1);
        g.drawString(top, MARGIN - 4 - g.getFontMetrics().stringWidth(top), MARGIN + 10);
        g.clipRect(MARGIN + 1, MARGIN + 1, SIZE - 2 * MARGIN - 1, SIZE - 2 * MARGIN - 1);
        return g;
    }

    private static void drawPoints(Graphics2D g, Square square, double[][] points, Color color, double diameter) {
        g.setColor(color);
        for (double[] p : points) {
            if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                g.fill(new Ellipse2D.Double(pixelX(square, p[0]) - diameter / 2, pixelY(square, p[1]) - diameter / 2,
                        diameter, diameter));
            }
        }
    }

    private static void marker(Graphics2D g, Square square, double[] p, Color color, boolean filled) {
        if (!(Double.isFinite(p[0]) && Double.isFinite(p[1]))) {
            return;
        }
        Ellipse2D dot = new Ellipse2D.Double(pixelX(square, p[0]) - 3, pixelY(square, p[1]) - 3, 6, 6);
        g.setColor(color);
        if (filled) {
            g.fill(dot);
        } else {
            g.draw(dot);
        }
    }

    /** Shades each cell of the log-density's grid by its band below the maximum: darker is likelier. */
    private static void drawContours(Graphics2D g, Square square, double[] logDensity) {
        int r = side(logDensity.length, "logDensity");
        double max = Double.NEGATIVE_INFINITY;
        for (double value : logDensity) {
            if (Double.isFinite(value)) {
                max = Math.max(max, value);
            }
        }
        double cell = square.width() / r;
        for (int j = 0; j < r; j++) {
            for (int i = 0; i < r; i++) {
                double value = logDensity[j * r + i];
                if (!Double.isFinite(value) || max - value >= CONTOUR_LEVELS) {
                    continue;
                }
                double band = CONTOUR_LEVELS - Math.floor(max - value);
                float strength = (float) (0.6 * band / CONTOUR_LEVELS);
                g.setColor(mix(DENSITY_COLOR, strength));
                double left = pixelX(square, square.x0() + i * cell);
                double right = pixelX(square, square.x0() + (i + 1) * cell);
                double top = pixelY(square, square.y0() + (j + 1) * cell);
                double bottom = pixelY(square, square.y0() + j * cell);
                g.fillRect((int) Math.floor(left), (int) Math.floor(top), (int) Math.ceil(right - left) + 1,
                        (int) Math.ceil(bottom - top) + 1);
            }
        }
    }

    /** @return the colour a fraction {@code strength} of the way from the background to {@code color} */
    private static Color mix(Color color, float strength) {
        return new Color(
                Math.round(255 + strength * (color.getRed() - 255)),
                Math.round(255 + strength * (color.getGreen() - 255)),
                Math.round(255 + strength * (color.getBlue() - 255)));
    }

    /** An arrow from p by (dx, dy) in data units, with a head a third of its length. */
    private static void arrow(Graphics2D g, Square square, double[] p, double dx, double dy) {
        double x0 = pixelX(square, p[0]);
        double y0 = pixelY(square, p[1]);
        double x1 = pixelX(square, p[0] + dx);
        double y1 = pixelY(square, p[1] + dy);
        g.draw(new Line2D.Double(x0, y0, x1, y1));
        double angle = Math.atan2(y1 - y0, x1 - x0);
        double head = Math.min(6, Math.hypot(x1 - x0, y1 - y0) / 3);
        for (double side : new double[] {-0.45, 0.45}) {
            g.draw(new Line2D.Double(x1, y1, x1 - head * Math.cos(angle + side), y1 - head * Math.sin(angle + side)));
        }
    }

    /** @return the 90th percentile of the finite, non-zero vector lengths; NaN when there are none */
    private static double percentileLength(double[][] vectors) {
        double[] lengths = new double[vectors.length];
        int n = 0;
        for (double[] v : vectors) {
            double length = Math.hypot(v[0], v[1]);
            if (Double.isFinite(length) && length > 0) {
                lengths[n++] = length;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(lengths, 0, n);
        return lengths[Math.min(n - 1, (int) Math.floor(PERCENTILE * n))];
    }

    /** @return r with r^2 = count */
    private static int side(int count, String what) {
        int r = (int) Math.round(Math.sqrt(count));
        if (r * r != count || r == 0) {
            throw new IllegalArgumentException(what + " must hold r^2 values of a square grid, got " + count);
        }
        return r;
    }

    private static void write(BufferedImage image, Path png) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new ScorelabException("cannot write the plot " + png + ": " + e.getMessage(), e);
        }
    }
}
