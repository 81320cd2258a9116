package io.scorelab.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.ScorelabException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDatasetsTest {

    /** [0, 1], no dequantization: x = p / 255, so 255 x recovers every pixel exactly. */
    private static final PixelTransform EXACT = new PixelTransform(0, 1, false, false);

    @TempDir
    Path dir;

    @BeforeEach
    void seed() {
        Engine.getInstance().setRandomSeed(13);
    }

    @Test
    void digitsAreThe1797BundledImagesMappedTo8Bits() throws IOException {
        Set<String> rows = new HashSet<>();
        try (InputStream in = new GZIPInputStream(
                getClass().getClassLoader().getResourceAsStream(DigitsDataset.RESOURCE))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                int[] pixels = Arrays.stream(line.trim().split(",")).limit(64).mapToInt(Integer::parseInt)
                        .map(q -> (int) Math.round(255 * q / 16.0)).toArray();
                rows.add(Arrays.toString(pixels));
            }
        }
        try (DigitsDataset digits = new DigitsDataset(EXACT, OptionalInt.empty())) {
            assertThat(digits.size()).isEqualTo(1797);
            assertThat(digits.exampleShape()).isEqualTo(new Shape(1, 8, 8));
            int[][] images = sampleExactly(digits, 2000);
            Set<Integer> values = new HashSet<>();
            for (int[] image : images) {
                assertThat(rows).contains(Arrays.toString(image));
                Arrays.stream(image).forEach(values::add);
            }
            // p = round(255 q / 16) for q = 0..16: 0, 16, 32, ..., 112, 128 (q = 8, 127.5 rounded up), ..., 239, 255.
            assertThat(values).contains(0, 16, 128, 255).allMatch(p -> p == Math.round(255 * Math.round(p * 16 / 255.0) / 16.0));
        }
    }

    @Test
    void digitsInTheDefaultRangeSpanMinusOneToOne() {
        try (DigitsDataset digits = new DigitsDataset(new PixelTransform(-1, 1, false, false), OptionalInt.empty());
                NDManager manager = NDManager.newBaseManager()) {
            NDArray x = digits.sample(manager, 500);
            assertThat(x.getShape()).isEqualTo(new Shape(500, 1, 8, 8));
            assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(x.min().getFloat()).isEqualTo(-1f);
            assertThat(x.max().getFloat()).isEqualTo(1f);
            assertThat(digits.images().orElseThrow().rangeWidth()).isEqualTo(2.0);
        }
    }

    @Test
    void aLimitKeepsOnlyTheFirstExamples() throws IOException {
        byte[][] images = images(5, 12);
        Path file = Files.write(dir.resolve("five.idx"), idx(images, 3, 4));
        try (IdxDataset idx = new IdxDataset(file, EXACT, OptionalInt.of(2))) {
            assertThat(idx.size()).isEqualTo(2);
            assertThat(drawnIndices(sampleExactly(idx, 200), images)).containsExactlyInAnyOrder(0, 1);
        }
        try (DigitsDataset digits = new DigitsDataset(EXACT, OptionalInt.of(10))) {
            assertThat(digits.size()).isEqualTo(10);
        }
    }

    @Test
    void idxFilesRoundTripPlainAndGzipped() throws IOException {
        byte[][] images = images(5, 12);
        byte[] plain = idx(images, 3, 4);
        for (Path file : List.of(Files.write(dir.resolve("images.idx"), plain),
                Files.write(dir.resolve("images.idx.bin"), gzip(plain)))) {
            try (IdxDataset idx = new IdxDataset(file, EXACT, OptionalInt.empty())) {
                assertThat(idx.size()).isEqualTo(5);
                assertThat(idx.exampleShape()).isEqualTo(new Shape(1, 3, 4));
                // 200 draws from 5 examples miss one with probability 5 (4/5)^200 < 1e-18.
                assertThat(drawnIndices(sampleExactly(idx, 200), images)).as(file.toString())
                        .containsExactlyInAnyOrder(0, 1, 2, 3, 4);
            }
        }
    }

    @Test
    void theFirstBatchSurvivesATrainingStepsScope() throws IOException {
        Path file = Files.write(dir.resolve("images.idx"), idx(images(3, 4), 2, 2));
        try (IdxDataset idx = new IdxDataset(file, EXACT, OptionalInt.empty());
                NDManager manager = NDManager.newBaseManager()) {
            try (NDManager step = manager.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                idx.sample(step, 4);
            }
            try (NDManager step = manager.newSubManager()) {
                NDArray x = idx.sample(step, 4);
                assertThat(x.getShape()).isEqualTo(new Shape(4, 1, 2, 2));
                assertThat(step.getManagedArrays()).containsExactly(x);
            }
        }
    }

    @Test
    void corruptIdxFilesAreNamedWithWhatIsWrong() throws IOException {
        byte[] good = idx(images(3, 6), 2, 3);
        Map<String, byte[]> cases = new HashMap<>();
        cases.put("bad magic number 0x12345678", withInt(good, 0, 0x12345678));
        cases.put("says it has 1 dimensions, expected 3 (count, height, width); is it a labels file?",
                withInt(good, 0, 0x00000801));
        cases.put("are not unsigned bytes (type 0x0D, expected 0x08)", withInt(good, 0, 0x00000D03));
        cases.put("wrong dimensions 0 x 2 x 3", withInt(good, 4, 0));
        cases.put("truncated: the header says 3 images of 2 x 3 pixels, 18 bytes after the header, but there are only 17",
                Arrays.copyOf(good, good.length - 1));
        cases.put("18 bytes after the header, but there are 20: wrong dimensions", Arrays.copyOf(good, good.length + 2));
        cases.put("too few for the 16-byte header", Arrays.copyOf(good, 10));
        cases.put("it has 3 bytes, too few for an IDX header", new byte[] {0, 0, 8});
        byte[] zipped = gzip(good);
        cases.put("starts like a gzip file but does not decompress", Arrays.copyOf(zipped, zipped.length / 2));
        int i = 0;
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Path file = Files.write(dir.resolve("case" + i++ + ".idx"), c.getValue());
            assertThatThrownBy(() -> new IdxDataset(file, EXACT, OptionalInt.empty()))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining(file + " is not a valid IDX images file")
                    .hasMessageContaining(c.getKey());
        }
        assertThatThrownBy(() -> new IdxDataset(dir.resolve("missing.idx"), EXACT, OptionalInt.empty()))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("no file at " + dir.resolve("missing.idx"));
    }

    @Test
    void cifarBatchesRoundTripInChannelRowColumnOrder() throws IOException {
        byte[][] images = images(6, 3072);
        Files.write(dir.resolve("data_batch_1.bin"), cifar(images, 0, 2));
        Files.write(dir.resolve("data_batch_2.bin"), cifar(images, 2, 5));
        Files.write(dir.resolve("test_batch.bin"), cifar(images, 5, 6));
        try (Cifar10Dataset cifar = new Cifar10Dataset(dir, EXACT, OptionalInt.empty())) {
            assertThat(cifar.size()).isEqualTo(5);
            assertThat(cifar.exampleShape()).isEqualTo(new Shape(3, 32, 32));
            // The record's bytes after the label are the (3, 32, 32) example in order; the test batch is not read.
            assertThat(drawnIndices(sampleExactly(cifar, 200), images)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        }
        try (Cifar10Dataset test = new Cifar10Dataset(dir.resolve("test_batch.bin"), EXACT, OptionalInt.empty())) {
            assertThat(test.size()).isEqualTo(1);
            assertThat(drawnIndices(sampleExactly(test, 3), images)).containsExactly(5);
        }
        try (Cifar10Dataset limited = new Cifar10Dataset(dir, EXACT, OptionalInt.of(3))) {
            assertThat(drawnIndices(sampleExactly(limited, 100), images)).containsExactlyInAnyOrder(0, 1, 2);
        }
    }

    @Test
    void corruptCifarFilesAreNamedWithWhatIsWrong() throws IOException {
        byte[] two = cifar(images(2, 3072), 0, 2);
        Path ragged = Files.write(dir.resolve("ragged.bin"), Arrays.copyOf(two, two.length + 5));
        assertThatThrownBy(() -> new Cifar10Dataset(ragged, EXACT, OptionalInt.empty()))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining(ragged + " is not a valid CIFAR-10 binary batch")
                .hasMessageContaining("6151 bytes, not a whole number of 3073-byte records")
                .hasMessageContaining("2 records and 5 bytes left over");
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertThatThrownBy(() -> new Cifar10Dataset(empty, EXACT, OptionalInt.empty()))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("it has 0 bytes");
        byte[] badLabel = two.clone();
        badLabel[3073] = 12;
        Path labelled = Files.write(dir.resolve("label.bin"), badLabel);
        assertThatThrownBy(() -> new Cifar10Dataset(labelled, EXACT, OptionalInt.empty()))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("record 1 has label 12 at byte 3073");
        Path batches = Files.createDirectory(dir.resolve("nothing"));
        assertThatThrownBy(() -> new Cifar10Dataset(batches, EXACT, OptionalInt.empty()))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("holds no data_batch_*.bin files");
        assertThatThrownBy(() -> new Cifar10Dataset(dir.resolve("missing"), EXACT, OptionalInt.empty()))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("no file or directory at " + dir.resolve("missing"));
    }

    /** @return n distinct examples of the given size, pixel (i, j) = (37 i + 11 j + i j) mod 256 */
    private static byte[][] images(int n, int size) {
        byte[][] images = new byte[n][size];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < size; j++) {
                images[i][j] = (byte) (37 * i + 11 * j + i * j);
            }
        }
        return images;
    }

    private static byte[] idx(byte[][] images, int height, int width) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + images.length * height * width);
        buffer.putInt(0x00000803).putInt(images.length).putInt(height).putInt(width);
        for (byte[] image : images) {
            buffer.put(image);
        }
        return buffer.array();
    }

    private static byte[] cifar(byte[][] images, int from, int to) {
        ByteBuffer buffer = ByteBuffer.allocate((to - from) * 3073);
        for (int i = from; i < to; i++) {
            buffer.put((byte) (i % 10)).put(images[i]);
        }
        return buffer.array();
    }

    private static byte[] withInt(byte[] bytes, int at, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).putInt(at, value);
        return copy;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    /** @return n examples drawn with the EXACT transform, as pixels 255 x (which must be whole numbers) */
    private static int[][] sampleExactly(ImageDataset dataset, int n) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = dataset.sample(manager, n);
            assertThat(x.getShape()).isEqualTo(new Shape(n).addAll(dataset.exampleShape()));
            float[] values = x.toFloatArray();
            int size = Math.toIntExact(dataset.exampleShape().size());
            int[][] result = new int[n][size];
            float worst = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < size; j++) {
                    float pixel = values[i * size + j] * 255;
                    result[i][j] = Math.round(pixel);
                    worst = Math.max(worst, Math.abs(pixel - result[i][j]));
                }
            }
            // p / 255 in float32, times 255: within a few ulps of the integer p <= 255.
            assertThat(worst).as("largest distance of 255 x from a whole number").isLessThan(1e-4f);
            return result;
        }
    }

    /** @return which of the written examples each drawn one is, failing on one that matches none */
    private static Set<Integer> drawnIndices(int[][] drawn, byte[][] written) {
        Set<Integer> indices = new HashSet<>();
        for (int[] image : drawn) {
            int match = -1;
            for (int k = 0; k < written.length; k++) {
                int[] unsigned = new int[written[k].length];
                for (int j = 0; j < unsigned.length; j++) {
                    unsigned[j] = written[k][j] & 0xff;
                }
                if (Arrays.equals(unsigned, image)) {
                    match = k;
                }
            }
            assertThat(match).as("a drawn example equals a written one").isNotNegative();
            indices.add(match);
        }
        return indices;
    }
}
