package io.scorelab.plugins.datasets;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.Dataset;
import io.scorelab.api.ImageData;
import io.scorelab.api.Options;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An image data set held whole in memory: N examples of 8-bit pixels, read and checked on the host when
 * the data set is made, copied once, as one (N, c, h, w) uint8 array, to the device of the first batch.
 * Every batch is then n indices i ~ U{0, ..., N - 1} drawn on the device (with replacement), a gather,
 * and the {@link PixelTransform}.
 */
abstract class ImageDataset implements Dataset, AutoCloseable {

    private final Shape exampleShape;
    private final int count;
    private final PixelTransform transform;
    private Pixels host;
    private NDManager manager;
    private NDArray pixels;

    ImageDataset(Pixels pixels, PixelTransform transform) {
        this.exampleShape = pixels.exampleShape();
        this.count = pixels.count();
        this.transform = transform;
        this.host = pixels;
    }

    /** @return the number of examples N (after {@code limit}) */
    public final int size() {
        return count;
    }

    @Override
    public final Shape exampleShape() {
        return exampleShape;
    }

    @Override
    public final NDArray sample(NDManager manager, int n) {
        NDArray all = onDevice(manager.getDevice());
        try (NDManager work = all.getManager().newSubManager()) {
            NDArray index = work.randomInteger(0, count, new Shape(n), DataType.INT64);
            NDArray x = transform.apply(all.get(work, new NDIndex("{}", index))).toDevice(manager.getDevice(), false);
            x.attach(manager);
            return x;
        }
    }

    private synchronized NDArray onDevice(Device device) {
        if (pixels == null) {
            manager = NDManager.newBaseManager(device);
            long bytes = count * exampleShape.size();
            ByteBuffer buffer = ByteBuffer.wrap(host.values(), host.offset(), Math.toIntExact(bytes)).slice();
            pixels = manager.create(buffer, new Shape(count).addAll(exampleShape), DataType.UINT8);
            // The first batch may be drawn inside a training step's NDScope, which would close the data with the step.
            NDScope.unregister(pixels);
            host = null;
        }
        return pixels;
    }

    @Override
    public final Optional<ImageData> images() {
        return Optional.of(transform);
    }

    /** Frees the device copy of the pixels; the data set draws no batch after this. */
    @Override
    public final synchronized void close() {
        if (manager != null) {
            manager.close();
        }
    }

    /** @return the {@code path} option as an absolute path (a leading ~/ is the home directory), which must exist */
    static Path existingPath(Options options, String expected) {
        String text = options.getString("path");
        Path path = Path.of(text.startsWith("~/") ? System.getProperty("user.home") + text.substring(1) : text)
                .toAbsolutePath();
        if (!Files.exists(path)) {
            throw options.invalid("path", expected + "; there is nothing at " + path);
        }
        return path;
    }

    /** @return the {@code limit} option: empty when null (every example), else a positive count */
    static OptionalInt limit(Options options) {
        return options.has("limit") ? OptionalInt.of(options.positiveInt("limit")) : OptionalInt.empty();
    }
}
