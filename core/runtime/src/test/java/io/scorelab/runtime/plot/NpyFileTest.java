package io.scorelab.runtime.plot;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFileTest {

    @Test
    void writesTheVersion1LayoutNumpyReads(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path file = dir.resolve("x.npy");
            NpyFile.write(file, manager.create(new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, new Shape(3, 2)));
            byte[] bytes = Files.readAllBytes(file);
            assertThat(bytes[0] & 0xFF).isEqualTo(0x93);
            assertThat(new String(bytes, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
            int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
            assertThat((10 + headerLength) % 64).isZero();
            String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
            assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }").endsWith("\n");
            ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, 24).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(data.getFloat()).isEqualTo(1.5f);
            assertThat(data.getFloat()).isEqualTo(-2f);
            assertThat(bytes.length).isEqualTo(10 + headerLength + 24);
        }
    }
}
