package io.scorelab.plugins.datasets;

import ai.djl.ndarray.types.Shape;
import java.util.OptionalInt;

/**
 * The 8-bit pixels of a whole image data set as read from its file: example i is the bytes
 * values[offset + i s, offset + (i + 1) s) with s = c h w, laid out channel, row, column.
 *
 * @param values holds the pixels (and possibly a file header before offset)
 * @param offset where the first example starts
 * @param count the number of examples N
 * @param exampleShape (c, h, w)
 */
record Pixels(byte[] values, int offset, int count, Shape exampleShape) {

    Pixels {
        if (offset + (long) count * exampleShape.size() > values.length) {
            throw new IllegalArgumentException(count + " examples of shape " + exampleShape + " from " + offset
                    + " do not fit in " + values.length + " bytes");
        }
    }

    /** @return the pixels of the first {@code limit} examples at most */
    Pixels first(OptionalInt limit) {
        return limit.isPresent() && limit.getAsInt() < count
                ? new Pixels(values, offset, limit.getAsInt(), exampleShape)
                : this;
    }
}
