package io.scorelab.plugins.datasets;

import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.zip.GZIPInputStream;

/**
 * Grey-scale images from an IDX file, the format of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte},
 * gzipped or not): a big-endian header
 *
 * <pre>
 *   0x00 0x00 0x08 0x03 | N (int32) | h (int32) | w (int32) | N h w unsigned bytes, row-major,
 * </pre>
 *
 * served as examples of shape (1, h, w) through the {@link PixelTransform}. A gzip file is recognised by
 * its magic bytes 0x1f 0x8b, not by its name.
 */
public final class IdxDataset extends ImageDataset {

    private static final int HEADER = 16;

    @Inject
    IdxDataset(@Named("dataset") Options options) {
        this(existingPath(options, "an IDX images file (gzipped or not)"), PixelTransform.of(options), limit(options));
    }

    /**
     * @param file an IDX file of unsigned-byte images (3 dimensions), gzipped or not
     * @param transform how pixels become model inputs
     * @param limit use only the first examples, at most this many; empty for all
     * @throws ScorelabException naming the file when it is missing, corrupt or truncated
     */
    public IdxDataset(Path file, PixelTransform transform, OptionalInt limit) {
        super(read(file).first(limit), transform);
    }

    static Pixels read(Path file) {
        byte[] bytes = contents(file);
        if (bytes.length < 4) {
            throw corrupt(file, "it has " + bytes.length + " bytes, too few for an IDX header");
        }
        int magic = ByteBuffer.wrap(bytes).getInt();
        if (bytes[0] != 0 || bytes[1] != 0) {
            throw corrupt(file, String.format("bad magic number 0x%08X: an IDX file starts with two zero bytes "
                    + "(0x00000803 for images)", magic));
        }
        if (bytes[2] != 0x08) {
            throw corrupt(file, String.format("magic number 0x%08X says its values are not unsigned bytes "
                    + "(type 0x%02X, expected 0x08)", magic, bytes[2] & 0xff));
        }
        if (bytes[3] != 3) {
            throw corrupt(file, String.format("magic number 0x%08X says it has %d dimensions, expected 3 "
                    + "(count, height, width)%s", magic, bytes[3] & 0xff, bytes[3] == 1 ? "; is it a labels file?" : ""));
        }
        if (bytes.length < HEADER) {
            throw corrupt(file, "it has " + bytes.length + " bytes, too few for the " + HEADER + "-byte header");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 4, 12);
        int count = header.getInt();
        int height = header.getInt();
        int width = header.getInt();
        if (count <= 0 || height <= 0 || width <= 0) {
            throw corrupt(file, "wrong dimensions " + Integer.toUnsignedString(count) + " x "
                    + Integer.toUnsignedString(height) + " x " + Integer.toUnsignedString(width)
                    + " in the header: every size must be positive (and below 2^31)");
        }
        long expected = (long) count * height * width;
        long actual = bytes.length - HEADER;
        if (actual < expected) {
            throw corrupt(file, "truncated: the header says " + count + " images of " + height + " x " + width
                    + " pixels, " + expected + " bytes after the header, but there are only " + actual);
        }
        if (actual > expected) {
            throw corrupt(file, "the header says " + count + " images of " + height + " x " + width + " pixels, "
                    + expected + " bytes after the header, but there are " + actual + ": wrong dimensions");
        }
        return new Pixels(bytes, HEADER, count, new Shape(1, height, width));
    }

    /** @return the bytes of the file, decompressed when it starts with the gzip magic bytes 0x1f 0x8b */
    private static byte[] contents(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ScorelabException("idx: there is no file at " + file);
        } catch (IOException e) {
            throw new ScorelabException(file + ": cannot read it: " + e.getMessage(), e);
        }
        if (raw.length < 2 || raw[0] != (byte) 0x1f || raw[1] != (byte) 0x8b) {
            return raw;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw corrupt(file, "it starts like a gzip file but does not decompress (" + e.getMessage() + ")");
        }
    }

    private static ScorelabException corrupt(Path file, String what) {
        return new ScorelabException(file + " is not a valid IDX images file: " + what);
    }
}
