package io.scorelab.plugins.datasets;

import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * CIFAR-10 from its binary version ({@code cifar-10-binary.tar.gz}, unpacked): files of 3,073-byte records,
 *
 * <pre>
 *   label (1 byte, 0..9) | red 32 x 32 | green 32 x 32 | blue 32 x 32   (unsigned bytes, row-major),
 * </pre>
 *
 * served as examples of shape (3, 32, 32) through the {@link PixelTransform}; labels are checked and then
 * ignored. The path is one batch file or a directory, whose {@code data_batch_*.bin} files (the 50,000
 * training images) are read in name order.
 */
public final class Cifar10Dataset extends ImageDataset {

    private static final int PIXELS = 3 * 32 * 32;
    private static final int RECORD = 1 + PIXELS;

    @Inject
    Cifar10Dataset(@Named("dataset") Options options) {
        this(existingPath(options, "a CIFAR-10 binary batch file or a directory of data_batch_*.bin files"),
                PixelTransform.of(options), limit(options));
    }

    /**
     * @param path a batch file, or a directory whose data_batch_*.bin files are read in name order
     * @param transform how pixels become model inputs
     * @param limit use only the first examples, at most this many; empty for all
     * @throws ScorelabException naming the file when it is missing, corrupt or truncated
     */
    public Cifar10Dataset(Path path, PixelTransform transform, OptionalInt limit) {
        super(read(batches(path), limit), transform);
    }

    private static List<Path> batches(Path path) {
        if (!Files.isDirectory(path)) {
            if (!Files.exists(path)) {
                throw new ScorelabException("cifar10: there is no file or directory at " + path);
            }
            return List.of(path);
        }
        try (Stream<Path> files = Files.list(path)) {
            List<Path> batches = files.filter(file -> file.getFileName().toString().matches("data_batch_.*\\.bin"))
                    .filter(Files::isRegularFile).sorted().toList();
            if (batches.isEmpty()) {
                throw new ScorelabException("cifar10: the directory " + path + " holds no data_batch_*.bin files");
            }
            return batches;
        } catch (IOException e) {
            throw new ScorelabException("cifar10: cannot list the directory " + path + ": " + e.getMessage(), e);
        }
    }

    private static Pixels read(List<Path> files, OptionalInt limit) {
        List<byte[]> contents = new ArrayList<>();
        long records = 0;
        for (Path file : files) {
            if (limit.isPresent() && records >= limit.getAsInt()) {
                break;
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new ScorelabException(file + ": cannot read it: " + e.getMessage(), e);
            }
            if (bytes.length == 0 || bytes.length % RECORD != 0) {
                throw corrupt(file, "it has " + bytes.length + " bytes, not a whole number of " + RECORD
                        + "-byte records (1 label byte + " + PIXELS + " pixel bytes): " + bytes.length / RECORD
                        + " records and " + bytes.length % RECORD + " bytes left over");
            }
            for (int r = 0; r < bytes.length / RECORD; r++) {
                int label = bytes[r * RECORD] & 0xff;
                if (label > 9) {
                    throw corrupt(file, "record " + r + " has label " + label + " at byte " + (long) r * RECORD
                            + ", but CIFAR-10 labels are 0..9 (is it the binary version of CIFAR-10?)");
                }
            }
            contents.add(bytes);
            records += bytes.length / RECORD;
        }
        int count = Math.toIntExact(limit.isPresent() ? Math.min(records, limit.getAsInt()) : records);
        byte[] pixels = new byte[Math.multiplyExact(count, PIXELS)];
        int next = 0;
        for (byte[] bytes : contents) {
            for (int r = 0; r < bytes.length / RECORD && next < count; r++, next++) {
                System.arraycopy(bytes, r * RECORD + 1, pixels, next * PIXELS, PIXELS);
            }
        }
        return new Pixels(pixels, 0, count, new Shape(3, 32, 32));
    }

    private static ScorelabException corrupt(Path file, String what) {
        return new ScorelabException(file + " is not a valid CIFAR-10 binary batch: " + what);
    }
}
