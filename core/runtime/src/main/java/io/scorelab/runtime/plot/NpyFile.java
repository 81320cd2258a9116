package io.scorelab.runtime.plot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Samples as a NumPy {@code .npy} file (format version 1.0: magic, header dict padded to a multiple
 * of 64 bytes, then little-endian float32 data in C order), which {@code numpy.load} reads with its
 * full shape, images included.
 */
public final class NpyFile {

    private NpyFile() {}

    /**
     * @param npy the file to write
     * @param array any shape; written as float32
     * @throws ScorelabException naming the file if it cannot be written
     */
    public static void write(Path npy, NDArray array) {
        long[] shape = array.getShape().getShape();
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + (shape.length == 1 ? ",)" : ")")
                + ", }";
        int unpadded = 6 + 2 + 2 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(npy)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(headerBytes.length & 0xFF);
            out.write(headerBytes.length >>> 8);
            out.write(headerBytes);
            out.write(data.array());
        } catch (IOException e) {
            throw new ScorelabException("cannot write " + npy + ": " + e.getMessage(), e);
        }
    }
}
