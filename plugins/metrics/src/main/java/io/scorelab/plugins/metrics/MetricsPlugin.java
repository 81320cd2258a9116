package io.scorelab.plugins.metrics;

import io.scorelab.api.Components;
import io.scorelab.api.Plugin;

/**
 * The metrics that ship with scorelab: of the samples ({@code mmd}, {@code sliced_wasserstein},
 * {@code energy_distance}, {@code mode_coverage}, {@code memorization}) and of the score model itself
 * ({@code fisher}).
 */
public final class MetricsPlugin implements Plugin {

    @Override
    public String name() {
        return "scorelab-metrics";
    }

    @Override
    public void declare(Components components) {
        components.metric("mmd", MmdMetric.class)
                .metric("mode_coverage", ModeCoverageMetric.class)
                .metric("fisher", FisherDivergenceMetric.class)
                .metric("sliced_wasserstein", SlicedWassersteinMetric.class)
                .metric("energy_distance", EnergyDistanceMetric.class)
                .metric("memorization", MemorizationMetric.class);
    }
}
