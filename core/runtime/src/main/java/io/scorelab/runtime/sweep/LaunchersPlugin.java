package io.scorelab.runtime.sweep;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/**
 * The launchers that ship with the runtime: {@code local} ({@link LocalLauncher}) and
 * {@code parallel} ({@link ParallelLauncher}). A plugin jar adds another (a cluster scheduler) the
 * same way, with its config-group file {@code scorelab/conf/launcher/<name>.conf}.
 */
public final class LaunchersPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-launchers";
    }

    @Override
    public void declare(Components components) {
        components.launcher("local", LocalLauncher.class).launcher("parallel", ParallelLauncher.class);
    }
}
