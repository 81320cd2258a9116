package io.scorelab.runtime.model;

import io.scorelab.api.Options;
import java.util.Arrays;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code model} section: how the network becomes a score.
 *
 * @param parameterization score, eps, x0 or energy
 * @param sigmaData sd, the data's standard deviation assumed by the x0 preconditioning
 * @param initFrom a checkpoint directory, or a run directory (its last checkpoint), whose weights,
 *     averaged weights, optimizer state and step the run starts from; empty to start afresh
 */
public record ModelOptions(Parameterization parameterization, double sigmaData, Optional<Path> initFrom) {

    /** @return the options read from the {@code model} section */
    public static ModelOptions from(Options model) {
        List<String> names = Arrays.stream(Parameterization.values()).map(Parameterization::configName).toList();
        Parameterization parameterization = Parameterization.named(model.oneOf("parameterization", names));
        Optional<Path> initFrom = model.has("init_from") ? Optional.of(Path.of(model.getString("init_from"))) : Optional.empty();
        return new ModelOptions(parameterization, model.positiveDouble("sigma_data"), initFrom);
    }

    /** @return options with the given parameterization and EDM's sd = 0.5 */
    public static ModelOptions of(Parameterization parameterization) {
        return new ModelOptions(parameterization, 0.5, Optional.empty());
    }
}
