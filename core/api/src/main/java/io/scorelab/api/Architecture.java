package io.scorelab.api;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * A network family: builds the DJL {@link Block} of a noise-conditional model
 *
 * <pre>
 *   F_theta(x_t, c_noise) -> y,
 * </pre>
 *
 * whose inputs are {@code NDList(x of shape (n, in...), c_noise of shape (n))} and whose output is
 * one array of shape (n, out...). The runtime passes c_noise = ln sigma(t). The parameterization in the runtime turns y into a score: the
 * score itself, a noise prediction eps (s = -eps / sigma), a denoiser, or an energy.
 */
public interface Architecture {

    /**
     * @param inputShape the shape of one example x
     * @param outputShape the shape of one output y (the example's shape, or (1) for an energy)
     * @return an uninitialized block; the runtime initializes it
     */
    Block build(Shape inputShape, Shape outputShape);
}
