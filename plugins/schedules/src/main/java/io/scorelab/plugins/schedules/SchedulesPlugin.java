package io.scorelab.plugins.schedules;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/**
 * The noise schedules that ship with scorelab: {@code geometric} (NCSN's levels), {@code ve},
 * {@code vp} and {@code subvp} (the SDEs of Song et al. 2021), {@code ddpm} (Ho et al. 2020's linear
 * betas), {@code cosine} (Nichol and Dhariwal 2021) and {@code edm} (Karras et al. 2022, sigma(t) = t).
 */
public final class SchedulesPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-schedules";
    }

    @Override
    public void declare(Components components) {
        components.schedule("geometric", GeometricSchedule.class)
                .schedule("ve", VeSchedule.class)
                .schedule("vp", VpSchedule.class)
                .schedule("subvp", SubVpSchedule.class)
                .schedule("ddpm", DdpmSchedule.class)
                .schedule("cosine", CosineSchedule.class)
                .schedule("edm", EdmSchedule.class);
    }
}
