package io.scorelab.runtime.plugin;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/** Built for an API version this runtime does not provide; registered only through a test jar. */
public final class FuturePlugin implements Plugin {

    @Override
    public String name() {
        return "future";
    }

    @Override
    public String version() {
        return "9.0";
    }

    @Override
    public int apiVersion() {
        return API_VERSION + 1;
    }

    @Override
    public void declare(Components components) {
        components.loss("future", FakePlugin.L2.class);
    }
}
