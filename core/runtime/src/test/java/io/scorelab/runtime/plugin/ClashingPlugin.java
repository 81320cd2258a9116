package io.scorelab.runtime.plugin;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/** Claims a loss name FakePlugin already has; registered only through a jar the test writes. */
public final class ClashingPlugin implements Plugin {

    @Override
    public String name() {
        return "clashing";
    }

    @Override
    public String version() {
        return "0.0.1";
    }

    @Override
    public void declare(Components components) {
        components.loss("l2", FakePlugin.L2.class);
    }
}
