package io.scorelab.plugins.schedules;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/** The noise schedules that ship with scorelab. */
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
                .schedule("subvp", SubVpSchedule.class);
    }
}
