package io.scorelab.api;

import com.google.inject.Binder;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;

/**
 * A jar of components, found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.scorelab.api.Plugin}.
 *
 * <p>A plugin is a Guice {@link Module}: {@link #configure(Binder)} adds every component it
 * {@linkplain #declare(Components) declares} to a {@code MapBinder<String, SPI>} keyed by its
 * name, and the runtime asks that map for the name a config chose. Each chosen component gets its
 * options injected as {@code @Named("<group>") Options} (for a metric, {@code @Named("metric.<name>")}).
 */
public interface Plugin extends Module {

    /**
     * The version of this API. A plugin built against another major version is refused; bump it
     * whenever an SPI changes incompatibly.
     */
    int API_VERSION = 2;

    /** @return a short name for listings, for example {@code "scorelab-losses"} */
    String name();

    /** @return the plugin's own version: by default the {@code Implementation-Version} of its jar's manifest */
    default String version() {
        String version = getClass().getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }

    /** @return the {@link #API_VERSION} this plugin was compiled against */
    default int apiVersion() {
        return API_VERSION;
    }

    /** Declares this plugin's components by name. */
    void declare(Components components);

    @Override
    default void configure(Binder binder) {
        declare(mapBinding(binder));
    }

    /**
     * @param binder the Guice binder of a module
     * @return components that add each declaration to the {@code MapBinder} of its kind
     */
    static Components mapBinding(Binder binder) {
        return new Components() {
            @Override
            @SuppressWarnings({"unchecked", "rawtypes"})
            public <T> Components add(
                    ComponentKind kind, String name, Class<? extends T> implementation) {
                MapBinder map = mapBinder(binder, kind);
                map.addBinding(name).to((Class) implementation);
                return this;
            }
        };
    }

    /**
     * @return the map binder of one kind, the one the runtime reads as {@code Map<String, T>}
     */
    @SuppressWarnings("unchecked")
    static <T> MapBinder<String, T> mapBinder(Binder binder, ComponentKind kind) {
        return MapBinder.newMapBinder(
                binder, TypeLiteral.get(String.class), (TypeLiteral<T>) TypeLiteral.get(kind.type()));
    }

    /** @return the Guice key of the map of one kind's implementations by name */
    @SuppressWarnings("unchecked")
    static <T> Key<java.util.Map<String, com.google.inject.Provider<T>>> providersKey(ComponentKind kind) {
        TypeLiteral<T> type = (TypeLiteral<T>) TypeLiteral.get(kind.type());
        return (Key<java.util.Map<String, com.google.inject.Provider<T>>>)
                Key.get(com.google.inject.util.Types.mapOf(
                        String.class,
                        com.google.inject.util.Types.newParameterizedType(
                                com.google.inject.Provider.class, type.getType())));
    }
}
