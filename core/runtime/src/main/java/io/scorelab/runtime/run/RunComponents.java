package io.scorelab.runtime.run;

import io.scorelab.api.Architecture;
import io.scorelab.api.Autograd;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Dataset;
import io.scorelab.api.Loss;
import io.scorelab.api.Metric;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Sampler;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.plugin.ComponentFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chosen components of one run, created (and so validated) before any tensor is made.
 *
 * @param dataset the data
 * @param schedule the forward process
 * @param architecture the network family
 * @param loss the objective
 * @param sampler the reverse process
 * @param metrics the evaluation metrics by name
 * @param autograd the engine's differentiable gradients (energy models)
 */
record RunComponents(
        Dataset dataset,
        NoiseSchedule schedule,
        Architecture architecture,
        Loss loss,
        Sampler sampler,
        Map<String, Metric> metrics,
        Autograd autograd) {

    static RunComponents create(ComponentFactory factory, ResolvedConfig config) {
        Map<String, Metric> metrics = new LinkedHashMap<>();
        for (String name : config.metrics()) {
            metrics.put(name, factory.create(ComponentKind.METRIC, name));
        }
        return new RunComponents(
                factory.dataset(),
                factory.create(ComponentKind.SCHEDULE, config.choices().get(ComponentKind.SCHEDULE)),
                factory.create(ComponentKind.ARCHITECTURE, config.choices().get(ComponentKind.ARCHITECTURE)),
                factory.create(ComponentKind.LOSS, config.choices().get(ComponentKind.LOSS)),
                factory.create(ComponentKind.SAMPLER, config.choices().get(ComponentKind.SAMPLER)),
                Collections.unmodifiableMap(metrics),
                factory.autograd());
    }
}
