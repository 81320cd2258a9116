package io.scorelab.api;

import ai.djl.ndarray.NDArray;

/**
 * What a data set of images knows about how its examples were made from 8-bit pixels p in {0, ...,
 * 255}: x = scale((p + u) / 256) with u ~ U(0, 1) when dequantized, into [lo, hi] (optionally
 * followed by a logit transform). Used to draw sample grids and to report likelihoods in bits per
 * dimension.
 */
public interface ImageData {

    /**
     * Inverts the data transform and clips: model-space x to intensities in [0, 1].
     *
     * @param x images of shape (n, c, h, w)
     * @return intensities in [0, 1], same shape
     */
    NDArray toUnitRange(NDArray x);

    /** @return the width hi - lo of the range the pixels were scaled to (2 for [-1, 1]) */
    double rangeWidth();

    /** @return whether a logit transform follows the scaling (its Jacobian enters bits per dimension) */
    boolean logit();
}
