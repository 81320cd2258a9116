package io.scorelab.runtime.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.Singleton;
import com.google.inject.name.Names;
import com.google.inject.spi.Message;
import com.typesafe.config.Config;
import io.scorelab.api.Autograd;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Dataset;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScorelabException;
import io.scorelab.autograd.PtAutograd;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Creates the chosen components of one run with Guice: one injector from every plugin module plus a
 * module that binds each component's options ({@code @Named("<group>") Options}, and
 * {@code @Named("metric.<name>") Options} for metrics) from the run's resolved configuration, the
 * run's {@link Dataset} (one instance) and the engine's {@link Autograd}.
 */
public final class ComponentFactory {

    private final PluginRegistry registry;
    private final Injector injector;

    /**
     * @param registry the plugins
     * @param config the run's resolved configuration
     */
    public ComponentFactory(PluginRegistry registry, Config config) {
        this.registry = registry;
        String datasetName = config.hasPath("dataset.name") ? config.getString("dataset.name") : "";
        List<com.google.inject.Module> modules = new ArrayList<>(registry.plugins());
        modules.add(new AbstractModule() {
            @Override
            protected void configure() {
                for (ComponentKind kind : ComponentKind.values()) {
                    if (kind != ComponentKind.METRIC) {
                        bind(Options.class).annotatedWith(Names.named(kind.group()))
                                .toInstance(Options.of(config, kind.group()));
                    }
                }
                for (String metric : registry.names(ComponentKind.METRIC)) {
                    String path = ComponentKind.METRIC.group() + "." + metric;
                    bind(Options.class).annotatedWith(Names.named(path)).toInstance(Options.of(config, path));
                }
                for (ComponentKind kind : ComponentKind.values()) {
                    Plugin.mapBinder(binder(), kind); // an empty map when no plugin provides the kind
                }
                bind(Autograd.class).to(PtAutograd.class).in(Singleton.class);
                // The run's data set, for components that need it (explicit score matching's exact score).
                bind(Dataset.class).toProvider(() -> create(ComponentKind.DATASET, datasetName)).in(Singleton.class);
            }
        });
        try {
            this.injector = Guice.createInjector(modules);
        } catch (CreationException e) {
            throw unwrap(e.getErrorMessages(), e);
        }
    }

    /** @return the run's data set (one instance per run, shared with the components that inject it) */
    public Dataset dataset() {
        return instance(Dataset.class);
    }

    /** @return the engine's differentiable gradients */
    public Autograd autograd() {
        return instance(Autograd.class);
    }

    private <T> T instance(Class<T> type) {
        try {
            return injector.getInstance(type);
        } catch (ProvisionException e) {
            throw unwrap(e.getErrorMessages(), e);
        }
    }

    /**
     * @return a new instance of the named component, its options read and validated
     * @throws ScorelabException for an unknown name or an invalid option
     */
    @SuppressWarnings("unchecked")
    public <T> T create(ComponentKind kind, String name) {
        registry.require(kind, name, "");
        Map<String, Provider<T>> providers = injector.getInstance(Plugin.<T>providersKey(kind));
        try {
            return providers.get(name).get();
        } catch (ProvisionException e) {
            throw unwrap(e.getErrorMessages(), e);
        } catch (ConfigurationException e) {
            throw unwrap(e.getErrorMessages(), e);
        }
    }

    private static RuntimeException unwrap(Collection<Message> messages, RuntimeException original) {
        for (Message message : messages) {
            Throwable cause = message.getCause();
            while (cause != null) {
                if (cause instanceof ScorelabException user) {
                    return user;
                }
                cause = cause.getCause();
            }
        }
        return original;
    }
}
