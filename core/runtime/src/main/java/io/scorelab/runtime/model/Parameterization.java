package io.scorelab.runtime.model;

import ai.djl.ndarray.NDArray;
import io.scorelab.api.ScorelabException;
import java.util.Arrays;

/**
 * How a network's output y = F(x_t, c_noise) becomes a score.
 *
 * <ul>
 *   <li>{@code score}: s = y;
 *   <li>{@code eps}: the network predicts the noise z of x_t = alpha x_0 + sigma z, so s = -y / sigma
 *       (Ho et al. 2020; also NCSNv2's output scaling s = y / sigma up to sign).
 * </ul>
 *
 * <p>Both condition the network on c_noise = ln sigma(t).
 */
public enum Parameterization {
    SCORE,
    EPS;

    /** @return the parameterization named in {@code model.parameterization} */
    public static Parameterization named(String name) {
        return Arrays.stream(values())
                .filter(p -> p.name().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(() -> new ScorelabException("model.parameterization = " + name
                        + ": expected one of score, eps"));
    }

    /**
     * @param output the network's output y, shape (n, d...)
     * @param sigma sigma(t) broadcastable to the output, shape (n, 1...)
     * @return the score
     */
    NDArray toScore(NDArray output, NDArray sigma) {
        return switch (this) {
            case SCORE -> output;
            case EPS -> output.div(sigma).neg();
        };
    }
}
