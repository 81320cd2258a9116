package io.scorelab.runtime.plugin;

import io.scorelab.api.ComponentKind;
import io.scorelab.api.Components;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScorelabException;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The plugins of a run: every {@link Plugin} that {@link ServiceLoader} finds on the classpath and
 * in the jars of the plugin directories, with the components each declares.
 *
 * <p>Discovery refuses a plugin built for another API version, and two plugins that declare the
 * same name for the same kind, naming both jars.
 */
public final class PluginRegistry {

    /** The environment variable that lists plugin directories, separated like a classpath. */
    public static final String PLUGIN_PATH_ENV = "SCORELAB_PLUGIN_PATH";

    private final ClassLoader classLoader;
    private final List<Plugin> plugins;
    private final List<PluginInfo> infos;
    private final Map<ComponentKind, Map<String, ComponentDeclaration>> components;

    private PluginRegistry(
            ClassLoader classLoader,
            List<Plugin> plugins,
            List<PluginInfo> infos,
            Map<ComponentKind, Map<String, ComponentDeclaration>> components) {
        this.classLoader = classLoader;
        this.plugins = plugins;
        this.infos = infos;
        this.components = components;
    }

    /**
     * @param pluginDirectories directories whose jars are added to the classpath
     * @return the registry of every plugin found
     */
    public static PluginRegistry discover(List<Path> pluginDirectories) {
        ClassLoader loader = loaderFor(pluginDirectories);
        List<Plugin> plugins = new ArrayList<>();
        List<PluginInfo> infos = new ArrayList<>();
        Map<ComponentKind, Map<String, ComponentDeclaration>> components = new LinkedHashMap<>();
        for (ComponentKind kind : ComponentKind.values()) {
            components.put(kind, new LinkedHashMap<>());
        }
        try {
            for (Plugin plugin : ServiceLoader.load(Plugin.class, loader)) {
                PluginInfo info = new PluginInfo(plugin.name(), plugin.version(), sourceOf(plugin.getClass()));
                if (plugin.apiVersion() != Plugin.API_VERSION) {
                    throw new ScorelabException("plugin " + info.name() + " (" + info.source()
                            + ") was built for scorelab API version " + plugin.apiVersion()
                            + ", but this scorelab provides API version " + Plugin.API_VERSION
                            + "; rebuild the plugin against scorelab-api with API version " + Plugin.API_VERSION);
                }
                plugins.add(plugin);
                infos.add(info);
                plugin.declare(recorder(info, components));
            }
        } catch (ServiceConfigurationError e) {
            throw new ScorelabException("cannot load a plugin: " + e.getMessage(), e);
        }
        return new PluginRegistry(loader, List.copyOf(plugins), List.copyOf(infos), components);
    }

    private static Components recorder(
            PluginInfo info, Map<ComponentKind, Map<String, ComponentDeclaration>> components) {
        return new Components() {
            @Override
            public <T> Components add(ComponentKind kind, String name, Class<? extends T> implementation) {
                if (!kind.type().isAssignableFrom(implementation)) {
                    throw new ScorelabException("plugin " + info.name() + " (" + info.source() + ") declares "
                            + kind.group() + " '" + name + "' as " + implementation.getName()
                            + ", which does not implement " + kind.type().getName());
                }
                ComponentDeclaration previous = components.get(kind).get(name);
                if (previous != null) {
                    throw new ScorelabException("two plugins declare the " + kind.group() + " '" + name + "': "
                            + previous.plugin().name() + " (" + previous.source() + ") and "
                            + info.name() + " (" + info.source() + "); remove one of the jars");
                }
                components.get(kind).put(name, new ComponentDeclaration(kind, name, implementation, info, info.source()));
                return this;
            }
        };
    }

    private static ClassLoader loaderFor(List<Path> directories) {
        ClassLoader parent = PluginRegistry.class.getClassLoader();
        List<URL> jars = new ArrayList<>();
        for (Path directory : directories) {
            if (!Files.isDirectory(directory)) {
                throw new ScorelabException("plugin directory " + directory + " does not exist or is not a directory");
            }
            try (Stream<Path> files = Files.list(directory)) {
                for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                    checkJar(jar);
                    jars.add(jar.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new ScorelabException("cannot list plugin directory " + directory + ": " + e.getMessage(), e);
            }
        }
        return jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
    }

    private static void checkJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().count();
        } catch (IOException e) {
            throw new ScorelabException("plugin jar " + jar + " is not a readable jar (" + e.getMessage()
                    + "); replace or remove it", e);
        }
    }

    private static String sourceOf(Class<?> type) {
        CodeSource code = type.getProtectionDomain().getCodeSource();
        if (code == null || code.getLocation() == null) {
            return "(unknown)";
        }
        String path = code.getLocation().getPath();
        return path.endsWith("/") ? path : new File(path).getName();
    }

    /** @return the plugin directories of {@code SCORELAB_PLUGIN_PATH} plus {@code extra} */
    public static List<Path> pluginDirectories(List<Path> extra) {
        List<Path> directories = new ArrayList<>();
        String env = System.getenv(PLUGIN_PATH_ENV);
        if (env != null && !env.isBlank()) {
            for (String entry : env.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    directories.add(Path.of(entry));
                }
            }
        }
        directories.addAll(extra);
        return directories;
    }

    /** @return the class loader that sees every plugin jar */
    public ClassLoader classLoader() {
        return classLoader;
    }

    /** @return the discovered plugins, as Guice modules */
    public List<Plugin> plugins() {
        return plugins;
    }

    /** @return the discovered plugins */
    public List<PluginInfo> pluginInfos() {
        return infos;
    }

    /** @return every declared component, by kind then name */
    public List<ComponentDeclaration> declarations() {
        return components.values().stream()
                .flatMap(byName -> byName.values().stream())
                .sorted(Comparator.comparing((ComponentDeclaration d) -> d.kind().ordinal())
                        .thenComparing(ComponentDeclaration::name))
                .toList();
    }

    /** @return the names declared for one kind, sorted */
    public TreeSet<String> names(ComponentKind kind) {
        return new TreeSet<>(components.get(kind).keySet());
    }

    /** @return the declaration of one component, if any plugin declares it */
    public Optional<ComponentDeclaration> find(ComponentKind kind, String name) {
        return Optional.ofNullable(components.get(kind).get(name));
    }

    /**
     * @return the declaration of one component
     * @throws ScorelabException listing the available names when none is declared
     */
    public ComponentDeclaration require(ComponentKind kind, String name, String where) {
        return find(kind, name).orElseThrow(() -> new ScorelabException(
                where + kind.group() + "=" + name + ": no " + kind.group() + " named '" + name + "'; available: "
                        + (names(kind).isEmpty() ? "(none installed)" : String.join(", ", names(kind)))));
    }

    /** @return the config-group file {@code scorelab/conf/<group>/<name>.conf} of a component, if it ships one */
    public Optional<URL> groupFile(ComponentKind kind, String name) {
        return Optional.ofNullable(classLoader.getResource(kind.confDirectory() + name + ".conf"));
    }
}
