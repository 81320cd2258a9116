package io.scorelab.runtime.model;

import ai.djl.ndarray.types.Shape;
import io.scorelab.api.ScorelabException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a network F becomes a score s(x, t), for x_t = alpha x_0 + sigma z:
 *
 * <ul>
 *   <li>{@code score}: s = F(x, ln sigma);
 *   <li>{@code eps}: F predicts the noise z, s = -F(x, ln sigma) / sigma (Ho et al. 2020);
 *   <li>{@code x0}: F is preconditioned into a denoiser D (Karras et al. 2022, Table 1) of the scaled
 *       state x~ = x / alpha at sigma~ = sigma / alpha:
 *       <pre>
 *   D = c_skip x~ + c_out F(c_in x~, c_noise),   c_skip = sd^2 / (sigma~^2 + sd^2),
 *   c_out = sigma~ sd / sqrt(sigma~^2 + sd^2),   c_in = 1 / sqrt(sigma~^2 + sd^2),   c_noise = ln(sigma~) / 4,
 *   s = (alpha D - x) / sigma^2                  (Tweedie: E[x_0 | x_t] = (x_t + sigma^2 s) / alpha),
 *       </pre>
 *       with sd = {@code model.sigma_data}; for alpha = 1 this is EDM's s = (D - x) / sigma^2;
 *   <li>{@code energy}: F outputs a scalar E(x, ln sigma) per example and s = -grad_x E (Salimans and Ho
 *       2021), differentiated with the graph kept so that a loss on s trains E.
 * </ul>
 */
public enum Parameterization {
    SCORE,
    EPS,
    X0,
    ENERGY;

    /** @return the parameterization named in {@code model.parameterization} */
    public static Parameterization named(String name) {
        return Arrays.stream(values())
                .filter(p -> p.configName().equals(name))
                .findFirst()
                .orElseThrow(() -> new ScorelabException("model.parameterization = " + name + ": expected one of "
                        + Arrays.stream(values()).map(Parameterization::configName).collect(Collectors.joining(", "))));
    }

    /** @return the name used in configurations */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the shape of the network's output for one example: the example's, or (1) for an energy */
    public Shape outputShape(Shape example) {
        return this == ENERGY ? new Shape(1) : example;
    }
}
