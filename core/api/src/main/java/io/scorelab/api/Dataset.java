package io.scorelab.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;

/**
 * The data distribution p_0 that a score model learns: batches of x_0.
 *
 * <p>Toy data sets also know their density exactly ({@link #density()}), which lets losses,
 * samplers and metrics be checked against closed forms.
 */
public interface Dataset {

    /** @return the shape of one example, for example (2) for points in the plane */
    Shape exampleShape();

    /**
     * Draws a batch of examples on the manager's device, using the engine's random generator.
     *
     * @param manager owns the returned array (typically the sub-manager of one training step)
     * @param n the number of examples
     * @return x_0 of shape (n, exampleShape...)
     */
    NDArray sample(NDManager manager, int n);

    /** @return the exact density of the data and of its Gaussian-noised versions, if known */
    default Optional<AnalyticDensity> density() {
        return Optional.empty();
    }

    /** @return how images were made from pixels, for image data sets (sample grids, bits per dimension) */
    default Optional<ImageData> images() {
        return Optional.empty();
    }

    /** @return the modes of a mixture, for metrics that count how many were found */
    default Optional<Modes> modes() {
        return Optional.empty();
    }
}
