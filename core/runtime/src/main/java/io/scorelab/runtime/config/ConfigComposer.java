package io.scorelab.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.plugin.PluginRegistry;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Composes a run's configuration the way Hydra does, later layers winning:
 *
 * <ol>
 *   <li>the runtime defaults ({@code scorelab/conf/defaults.conf});
 *   <li>the config-group file of each chosen option ({@code scorelab/conf/<group>/<name>.conf}, from
 *       any plugin jar), under its group, with {@code <group>.name} set to the option;
 *   <li>the config files of the chosen metrics, under {@code metric.<name>};
 *   <li>the experiment file, whose {@code defaults} block chooses the options;
 *   <li>the command-line overrides.
 * </ol>
 *
 * <p>Then substitutions resolve, and every key the experiment file sets must exist in the layers
 * below it: a typo is an error that names the file and line and suggests the nearest keys.
 */
public final class ConfigComposer {

    private static final String DEFAULTS_RESOURCE = "scorelab/conf/defaults.conf";
    private static final Set<String> FREE_FORM = Set.of("defaults");

    private final PluginRegistry registry;

    /** @param registry where the config-group files and the component names come from */
    public ConfigComposer(PluginRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param experimentFile the experiment's HOCON file
     * @param overrideTexts the command-line overrides, as typed
     * @return the resolved, validated configuration
     * @throws ScorelabException for any mistake in the file or the overrides
     */
    public ResolvedConfig compose(Path experimentFile, List<String> overrideTexts) {
        List<Override> overrides = overrideTexts.stream().map(Override::parse).toList();
        Config experiment = readExperiment(experimentFile);
        Map<ComponentKind, String> choices = choices(experiment, overrides);

        Config schema = runtimeDefaults();
        for (Map.Entry<ComponentKind, String> choice : choices.entrySet()) {
            schema = groupLayer(choice.getKey(), choice.getValue()).withFallback(schema);
        }
        Config body = experiment.withoutPath("defaults");
        List<Override> valueOverrides = overrides.stream()
                .filter(o -> !(o.action() == Override.Action.SET && Groups.byGroup(o.key()).isPresent()))
                .toList();

        // Metrics are a list, so their files join the schema once the list is known.
        Config withoutMetrics = applyOverrides(body.withFallback(schema), valueOverrides);
        List<String> metrics = metricNames(resolve(withoutMetrics));
        for (String metric : metrics) {
            registry.require(ComponentKind.METRIC, metric, where(withoutMetrics, Groups.METRICS_KEY));
            schema = metricLayer(metric).withFallback(schema);
        }
        checkKnownKeys(body, schema);
        Config composed = applyOverrides(body.withFallback(schema), valueOverrides);
        return new ResolvedConfig(resolve(composed), choices, metrics, experimentFile, List.copyOf(overrideTexts));
    }

    private static Config readExperiment(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ScorelabException("experiment file " + file + " does not exist");
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new ScorelabException("cannot parse experiment file: " + e.getMessage(), e);
        }
    }

    private Map<ComponentKind, String> choices(Config experiment, List<Override> overrides) {
        Map<ComponentKind, String> choices = new EnumMap<>(ComponentKind.class);
        Map<ComponentKind, String> origins = new EnumMap<>(ComponentKind.class);
        if (experiment.hasPath("defaults")) {
            if (experiment.getValue("defaults").valueType() != ConfigValueType.OBJECT) {
                throw new ScorelabException(where(experiment, "defaults")
                        + "defaults must be an object such as defaults { dataset = gmm, loss = dsm }");
            }
            for (Map.Entry<String, ConfigValue> entry : experiment.getObject("defaults").entrySet()) {
                ComponentKind kind = Groups.byGroup(entry.getKey()).orElseThrow(() -> new ScorelabException(
                        Options.where(entry.getValue().origin()) + "defaults." + entry.getKey()
                                + ": no config group '" + entry.getKey() + "'; groups: " + groupNames()));
                if (entry.getValue().valueType() != ConfigValueType.STRING) {
                    throw new ScorelabException(Options.where(entry.getValue().origin()) + "defaults." + entry.getKey()
                            + " = " + entry.getValue().render() + ": expected the name of a " + kind.group()
                            + "; available: " + String.join(", ", registry.names(kind)));
                }
                choices.put(kind, (String) entry.getValue().unwrapped());
                origins.put(kind, Options.where(entry.getValue().origin()));
            }
        }
        for (Override override : overrides) {
            Groups.byGroup(override.key()).ifPresent(kind -> {
                if (override.action() != Override.Action.SET || override.value().valueType() != ConfigValueType.STRING) {
                    throw new ScorelabException("override '" + override.text() + "': " + kind.group()
                            + " is a config group; choose an option with " + kind.group() + "=<name>; available: "
                            + String.join(", ", registry.names(kind)));
                }
                choices.put(kind, (String) override.value().unwrapped());
                origins.put(kind, "command line: ");
            });
        }
        for (ComponentKind kind : Groups.CHOSEN) {
            String name = choices.get(kind);
            if (name == null) {
                throw new ScorelabException("no " + kind.group() + " chosen: add defaults { " + kind.group()
                        + " = <name> } to the experiment file or " + kind.group() + "=<name> to the command line; available: "
                        + String.join(", ", registry.names(kind)));
            }
            registry.require(kind, name, origins.get(kind));
        }
        return choices;
    }

    private static String groupNames() {
        return String.join(", ", Groups.CHOSEN.stream().map(ComponentKind::group).toList());
    }

    private Config runtimeDefaults() {
        URL url = ConfigComposer.class.getClassLoader().getResource(DEFAULTS_RESOURCE);
        if (url == null) {
            throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the runtime jar");
        }
        return ConfigFactory.parseURL(url);
    }

    private Config groupLayer(ComponentKind kind, String name) {
        Config file = registry.groupFile(kind, name).map(ConfigFactory::parseURL).orElse(ConfigFactory.empty());
        return file.withValue("name", ConfigValueFactory.fromAnyRef(name, "chosen option of " + kind.group()))
                .atPath(kind.group());
    }

    private Config metricLayer(String name) {
        Config file = registry.groupFile(ComponentKind.METRIC, name).map(ConfigFactory::parseURL).orElse(ConfigFactory.empty());
        return file.atPath(Groups.metricPath(name));
    }

    private static Config applyOverrides(Config config, List<Override> overrides) {
        Config result = config;
        for (Override override : overrides) {
            boolean exists = result.hasPathOrNull(override.key());
            switch (override.action()) {
                case SET -> {
                    if (!exists) {
                        throw unknownKey(override, result, " (to add a new key use +" + override.key() + "=...)");
                    }
                    result = result.withValue(override.key(), override.value());
                }
                case ADD -> {
                    if (exists) {
                        throw new ScorelabException("override '" + override.text() + "': key " + override.key()
                                + " already exists (= " + result.getValue(override.key()).render()
                                + "); set it with " + override.key() + "=... or ++" + override.key() + "=...");
                    }
                    result = result.withValue(override.key(), override.value());
                }
                case SET_OR_ADD -> result = result.withValue(override.key(), override.value());
                case DELETE -> {
                    if (!exists) {
                        throw unknownKey(override, result, "");
                    }
                    if (override.value() != null && !result.getValue(override.key()).equals(override.value())) {
                        throw new ScorelabException("override '" + override.text() + "': " + override.key() + " is "
                                + result.getValue(override.key()).render() + ", not " + override.value().render());
                    }
                    result = result.withoutPath(override.key());
                }
                default -> throw new IllegalStateException(override.action().toString());
            }
        }
        return result;
    }

    private static ScorelabException unknownKey(Override override, Config config, String hint) {
        return new ScorelabException("override '" + override.text() + "': no key " + override.key()
                + KeySuggestions.didYouMean(override.key(), leafKeys(config)) + hint);
    }

    private static void checkKnownKeys(Config experiment, Config schema) {
        Set<String> known = leafKeys(schema);
        for (Map.Entry<String, ConfigValue> entry : experiment.entrySet()) {
            String key = entry.getKey();
            if (FREE_FORM.contains(key.split("\\.")[0]) || schema.hasPathOrNull(key)) {
                continue;
            }
            throw new ScorelabException(Options.where(entry.getValue().origin()) + "unknown key " + key
                    + KeySuggestions.didYouMean(key, known)
                    + " (use ++" + key + "=... on the command line to add a key on purpose)");
        }
    }

    private static Set<String> leafKeys(Config config) {
        Set<String> keys = new TreeSet<>();
        collect(config.root(), "", keys);
        return keys;
    }

    private static void collect(ConfigObject object, String prefix, Set<String> keys) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String key = prefix + entry.getKey();
            if (entry.getValue() instanceof ConfigObject child) {
                collect(child, key + ".", keys);
            } else {
                keys.add(key);
            }
        }
    }

    private static Config resolve(Config config) {
        try {
            return config.resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException.UnresolvedSubstitution e) {
            throw new ScorelabException("cannot resolve a substitution: " + e.getMessage(), e);
        } catch (ConfigException e) {
            throw new ScorelabException("invalid configuration: " + e.getMessage(), e);
        }
    }

    private static List<String> metricNames(Config resolved) {
        return Options.of(resolved, "").getStringList(Groups.METRICS_KEY);
    }

    private static String where(Config config, String key) {
        return config.hasPathOrNull(key) ? Options.where(config.getValue(key).origin()) : "";
    }

    /** @return the plugin directories named by the experiment file's {@code plugins.dirs}, relative to it */
    public static List<Path> pluginDirectories(Path experimentFile) {
        Config experiment = readExperiment(experimentFile);
        List<Path> dirs = new ArrayList<>();
        if (experiment.hasPath("plugins.dirs")) {
            Path base = experimentFile.toAbsolutePath().getParent();
            for (String dir : Options.of(experiment, "plugins").getStringList("dirs")) {
                dirs.add(base.resolve(dir).normalize());
            }
        }
        return dirs;
    }
}
