package io.scorelab.runtime.model;

import io.scorelab.api.Options;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code model} section: how the network becomes a score.
 *
 * @param parameterization score, eps, x0 or energy
 * @param sigmaData sd, the data's standard deviation assumed by the x0 preconditioning
 */
public record ModelOptions(Parameterization parameterization, double sigmaData) {

    /** @return the options read from the {@code model} section */
    public static ModelOptions from(Options model) {
        List<String> names = Arrays.stream(Parameterization.values()).map(Parameterization::configName).toList();
        Parameterization parameterization = Parameterization.named(model.oneOf("parameterization", names));
        return new ModelOptions(parameterization, model.positiveDouble("sigma_data"));
    }

    /** @return options with the given parameterization and EDM's sd = 0.5 */
    public static ModelOptions of(Parameterization parameterization) {
        return new ModelOptions(parameterization, 0.5);
    }
}
