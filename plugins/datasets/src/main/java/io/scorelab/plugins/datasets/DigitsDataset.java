package io.scorelab.plugins.datasets;

import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Options;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.zip.GZIPInputStream;

/**
 * The 1,797 handwritten 8 x 8 digits of the UCI "Optical Recognition of Handwritten Digits" test set
 * (Alpaydin and Kaynak 1998, CC BY 4.0, via scikit-learn), shipped in this jar: the small real image
 * data set that trains on a CPU in seconds. Its pixels q count ink in {0, ..., 16}; they become 8-bit
 * pixels
 *
 * <pre>
 *   p = round(255 q / 16)   (so p / 255 = q / 16 within 1 / 510),
 * </pre>
 *
 * then go through the {@link PixelTransform} like every image data set. Examples have shape (1, 8, 8).
 */
public final class DigitsDataset extends ImageDataset {

    /** The classpath resource, with its attribution in NOTICE next to it. */
    static final String RESOURCE = "scorelab/data/digits/digits.csv.gz";
    static final int COUNT = 1797;

    @Inject
    DigitsDataset(@Named("dataset") Options options) {
        this(PixelTransform.of(options), limit(options));
    }

    /**
     * @param transform how pixels become model inputs
     * @param limit use only the first examples, at most this many; empty for all
     */
    public DigitsDataset(PixelTransform transform, OptionalInt limit) {
        super(read().first(limit), transform);
    }

    private static Pixels read() {
        byte[] pixels = new byte[COUNT * 64];
        int row = 0;
        try (InputStream resource = DigitsDataset.class.getClassLoader().getResourceAsStream(RESOURCE);
                BufferedReader lines = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(requirePresent(resource)), StandardCharsets.US_ASCII))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine(), row++) {
                String[] fields = line.split(",");
                if (row >= COUNT || fields.length != 65) {
                    throw new IllegalStateException(RESOURCE + " line " + (row + 1) + " is not 64 pixels and a label");
                }
                for (int j = 0; j < 64; j++) {
                    int q = Integer.parseInt(fields[j]);
                    if (q < 0 || q > 16) {
                        throw new IllegalStateException(RESOURCE + " line " + (row + 1) + " has pixel " + q);
                    }
                    pixels[row * 64 + j] = (byte) Math.round(255 * q / 16.0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + " cannot be read", e);
        }
        if (row != COUNT) {
            throw new IllegalStateException(RESOURCE + " has " + row + " digits, expected " + COUNT);
        }
        return new Pixels(pixels, 0, COUNT, new Shape(1, 8, 8));
    }

    private static InputStream requirePresent(InputStream resource) {
        if (resource == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the datasets jar");
        }
        return resource;
    }
}
