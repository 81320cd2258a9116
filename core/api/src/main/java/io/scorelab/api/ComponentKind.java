package io.scorelab.api;

/**
 * The extension points of scorelab. Each kind has the config group that chooses an implementation
 * by name ({@code loss = dsm}) and the directory of its config-group files on the classpath
 * ({@code scorelab/conf/loss/dsm.conf}).
 */
public enum ComponentKind {
    DATASET("dataset", Dataset.class),
    SCHEDULE("schedule", NoiseSchedule.class),
    ARCHITECTURE("architecture", Architecture.class),
    LOSS("loss", Loss.class),
    SAMPLER("sampler", Sampler.class),
    METRIC("metric", Metric.class),
    LAUNCHER("launcher", Launcher.class);

    private final String group;
    private final Class<?> type;

    ComponentKind(String group, Class<?> type) {
        this.group = group;
        this.type = type;
    }

    /** @return the config group, for example {@code "loss"} */
    public String group() {
        return group;
    }

    /** @return the SPI interface that implementations of this kind implement */
    public Class<?> type() {
        return type;
    }

    /** @return the classpath directory that holds this kind's config-group files */
    public String confDirectory() {
        return "scorelab/conf/" + group + "/";
    }
}
