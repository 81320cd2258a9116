package io.scorelab.api;

/**
 * What a {@link Plugin} declares: named implementations of the extension points.
 *
 * <pre>{@code
 * public void declare(Components components) {
 *     components.loss("dsm", DsmLoss.class).loss("ncsn", NcsnLoss.class);
 * }
 * }</pre>
 *
 * <p>The runtime supplies two implementations: one that records the declarations (to list them and
 * to find two plugins that claim the same name) and one that adds each to a Guice {@code MapBinder}
 * keyed by name.
 */
public abstract class Components {

    /**
     * Declares one implementation.
     *
     * @param kind the extension point
     * @param name the short name configs and the command line use, for example {@code "dsm"}
     * @param implementation the class Guice instantiates; its constructor receives its options as
     *     {@code @Named("<kind group>") Options}
     * @return this, for chaining
     */
    public abstract <T> Components add(ComponentKind kind, String name, Class<? extends T> implementation);

    public Components dataset(String name, Class<? extends Dataset> implementation) {
        return add(ComponentKind.DATASET, name, implementation);
    }

    public Components schedule(String name, Class<? extends NoiseSchedule> implementation) {
        return add(ComponentKind.SCHEDULE, name, implementation);
    }

    public Components architecture(String name, Class<? extends Architecture> implementation) {
        return add(ComponentKind.ARCHITECTURE, name, implementation);
    }

    public Components loss(String name, Class<? extends Loss> implementation) {
        return add(ComponentKind.LOSS, name, implementation);
    }

    public Components sampler(String name, Class<? extends Sampler> implementation) {
        return add(ComponentKind.SAMPLER, name, implementation);
    }

    public Components metric(String name, Class<? extends Metric> implementation) {
        return add(ComponentKind.METRIC, name, implementation);
    }

    public Components launcher(String name, Class<? extends Launcher> implementation) {
        return add(ComponentKind.LAUNCHER, name, implementation);
    }
}
