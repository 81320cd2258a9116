package io.scorelab.plugins.losses;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/**
 * The score-matching objectives that ship with scorelab: at one noise level {@code dsm}
 * ({@link DsmLoss}), {@code esm} ({@link EsmLoss}), {@code ism} ({@link IsmLoss}) and {@code ssm}
 * ({@link SsmLoss}, and {@code ssm_vr}, the same class with variance reduction on by
 * default, so that an ablation can sweep it as a loss of its own); along a whole schedule {@code ncsn} ({@link NcsnLoss}), {@code sde}
 * ({@link SdeLoss}), {@code ddpm} ({@link DdpmLoss}) and {@code edm} ({@link EdmLoss}).
 *
 * <p>{@code esm} is injected the run's {@link io.scorelab.api.Dataset} (and its
 * {@code @Named("dataset") Options}); {@code ism} and {@code ssm} the engine's
 * {@link io.scorelab.api.Autograd}.
 */
public final class LossesPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-losses";
    }

    @Override
    public void declare(Components components) {
        components.loss("dsm", DsmLoss.class)
                .loss("esm", EsmLoss.class)
                .loss("ism", IsmLoss.class)
                .loss("ssm", SsmLoss.class)
                .loss("ssm_vr", SsmLoss.class)
                .loss("ncsn", NcsnLoss.class)
                .loss("sde", SdeLoss.class)
                .loss("ddpm", DdpmLoss.class)
                .loss("edm", EdmLoss.class);
    }
}
