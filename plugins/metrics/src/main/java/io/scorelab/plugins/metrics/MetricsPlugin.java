package io.scorelab.plugins.metrics;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/** The sample-quality metrics that ship with scorelab: {@code mmd} and {@code mode_coverage}. */
public final class MetricsPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-metrics";
    }

    @Override
    public void declare(Components components) {
        components.metric("mmd", MmdMetric.class).metric("mode_coverage", ModeCoverageMetric.class);
    }
}
