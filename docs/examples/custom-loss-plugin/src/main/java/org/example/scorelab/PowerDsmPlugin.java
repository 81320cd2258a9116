package org.example.scorelab;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/** Adds the loss {@code power_dsm} ({@link PowerDsmLoss}); its defaults are in scorelab/conf/loss/power_dsm.conf. */
public final class PowerDsmPlugin implements Plugin {

    @Override
    public String name() {
        return "example-power-dsm";
    }

    @Override
    public void declare(Components components) {
        components.loss("power_dsm", PowerDsmLoss.class);
    }
}
