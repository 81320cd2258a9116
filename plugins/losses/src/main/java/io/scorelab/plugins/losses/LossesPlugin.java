package io.scorelab.plugins.losses;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/**
 * The score-matching objectives that ship with scorelab: {@code dsm} ({@link DsmLoss}) and
 * {@code ncsn} ({@link NcsnLoss}).
 */
public final class LossesPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-losses";
    }

    @Override
    public void declare(Components components) {
        components.loss("dsm", DsmLoss.class).loss("ncsn", NcsnLoss.class);
    }
}
