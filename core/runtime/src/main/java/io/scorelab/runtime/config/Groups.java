package io.scorelab.runtime.config;

import io.scorelab.api.ComponentKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The config groups an experiment chooses one option of, in the order they are composed. */
public final class Groups {

    /** The groups every run must choose: {@code defaults { dataset = gmm, ... }}. */
    public static final List<ComponentKind> CHOSEN = List.of(
            ComponentKind.DATASET,
            ComponentKind.SCHEDULE,
            ComponentKind.ARCHITECTURE,
            ComponentKind.LOSS,
            ComponentKind.SAMPLER);

    /** The groups with a default option, chosen when an experiment does not choose one. */
    public static final Map<ComponentKind, String> DEFAULTED = Map.of(ComponentKind.LAUNCHER, "local");

    /** Every single-choice group: {@link #CHOSEN}, then the {@link #DEFAULTED} ones. */
    public static final List<ComponentKind> SELECTED = List.of(
            ComponentKind.DATASET,
            ComponentKind.SCHEDULE,
            ComponentKind.ARCHITECTURE,
            ComponentKind.LOSS,
            ComponentKind.SAMPLER,
            ComponentKind.LAUNCHER);

    /** The config key that lists the chosen metrics. */
    public static final String METRICS_KEY = "eval.metrics";

    private Groups() {}

    /** @return the kind whose group is {@code key}, if {@code key} names a single-choice group */
    public static Optional<ComponentKind> byGroup(String key) {
        return SELECTED.stream().filter(kind -> kind.group().equals(key)).findFirst();
    }

    /** @return the config path of a metric's options, {@code metric.<name>} */
    public static String metricPath(String name) {
        return ComponentKind.METRIC.group() + "." + name;
    }
}
