package io.scorelab.runtime.config;

import io.scorelab.api.ComponentKind;
import java.util.List;

/** The config groups an experiment chooses one option of, in the order they are composed. */
public final class Groups {

    /** The single-choice groups of a run: {@code defaults { dataset = gmm, ... }}. */
    public static final List<ComponentKind> CHOSEN = List.of(
            ComponentKind.DATASET,
            ComponentKind.SCHEDULE,
            ComponentKind.ARCHITECTURE,
            ComponentKind.LOSS,
            ComponentKind.SAMPLER);

    /** The config key that lists the chosen metrics. */
    public static final String METRICS_KEY = "eval.metrics";

    private Groups() {}

    /** @return the kind whose group is {@code key}, if {@code key} names a single-choice group */
    public static java.util.Optional<ComponentKind> byGroup(String key) {
        return CHOSEN.stream().filter(kind -> kind.group().equals(key)).findFirst();
    }

    /** @return the config path of a metric's options, {@code metric.<name>} */
    public static String metricPath(String name) {
        return ComponentKind.METRIC.group() + "." + name;
    }
}
