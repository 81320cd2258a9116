package io.scorelab.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Composes a run's configuration the way Hydra does, later layers winning:
 *
 * <ol>
 *   <li>the runtime defaults ({@code scorelab/conf/defaults.conf});
 *   <li>the config-group file of each chosen option, under its group, with {@code <group>.name}
 *       set to the option: {@code conf/<group>/<name>.conf} next to the experiment file, or else
 *       {@code scorelab/conf/<group>/<name>.conf} from a plugin jar; a group file's own
 *       {@code defaults} block chooses options of nested groups ({@code architecture.block});
 *   <li>the config files of the chosen metrics, under {@code metric.<name>};
 *   <li>the experiment file (with its {@code include}s, relative to it), whose {@code defaults}
 *       block chooses the options;
 *   <li>the command-line overrides ({@link Override}).
 * </ol>
 *
 * <p>Then substitutions ({@code ${trainer.steps}}, {@code ${?ENV}}) resolve, so an override of a
 * referenced key changes every place that refers to it. Every key the experiment file sets must
 * exist in the layers below it: a typo is an error that names the file and line and suggests the
 * nearest keys. The experiment file's {@code sweep} block is for multiruns and is not part of the
 * resolved config.
 */
public final class ConfigComposer {

    private static final String DEFAULTS_RESOURCE = "scorelab/conf/defaults.conf";
    private static final Set<String> FREE_FORM = Set.of("defaults", "sweep");
    private static final int MAX_NESTING = 8;

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
        try {
            return composeChecked(experimentFile, overrideTexts);
        } catch (ConfigException e) {
            // what the checks below do not foresee, such as an override inside a value that a
            // substitution only later turns into an object
            throw new ScorelabException("invalid configuration: " + e.getMessage(), e);
        }
    }

    private ResolvedConfig composeChecked(Path experimentFile, List<String> overrideTexts) {
        List<Override> overrides = overrideTexts.stream().map(Override::parse).toList();
        Config experiment = readExperiment(experimentFile);
        GroupFiles files = new GroupFiles(registry.classLoader(), GroupFiles.projectConf(experimentFile));
        Selections selections = new Selections(experiment, overrides);
        Map<ComponentKind, String> choices = choices(selections);

        Config schema = runtimeDefaults();
        for (Map.Entry<ComponentKind, String> choice : choices.entrySet()) {
            String group = choice.getKey().group();
            schema = groupLayer(files, selections, group, choice.getValue(), selections.description(group), 0)
                    .withFallback(schema);
        }
        selections.checkAllUsed();
        Config body = experiment.withoutPath("defaults").withoutPath("sweep");
        List<Override> valueOverrides = overrides.stream().filter(o -> !selections.consumed(o)).toList();

        // Metrics are a list, so their files join the schema once the list is known; until then
        // overrides of their keys cannot be checked.
        Config withoutMetrics = applyOverrides(body.withFallback(schema), valueOverrides, false);
        List<String> metrics = metricNames(resolve(withoutMetrics));
        for (String metric : metrics) {
            registry.require(ComponentKind.METRIC, metric, where(withoutMetrics, Groups.METRICS_KEY));
            Config file = files.read(ComponentKind.METRIC.group(), metric).orElse(ConfigFactory.empty());
            schema = file.atPath(Groups.metricPath(metric)).withFallback(schema);
        }
        checkKnownKeys(body, schema);
        Config composed = applyOverrides(body.withFallback(schema), valueOverrides, true);
        return new ResolvedConfig(resolve(composed), choices, metrics, experimentFile, List.copyOf(overrideTexts));
    }

    /**
     * @param experimentFile an experiment file
     * @return its {@code sweep} block, unresolved, or an empty config
     */
    public static Config sweepBlock(Path experimentFile) {
        Config experiment = readExperiment(experimentFile);
        if (!experiment.hasPath("sweep")) {
            return ConfigFactory.empty();
        }
        if (typeOf(experiment.getValue("sweep")) != ConfigValueType.OBJECT) {
            throw new ScorelabException(where(experiment, "sweep")
                    + "sweep must be an object such as sweep { loss = [dsm, ncsn], seed = \"range(0,3)\" }");
        }
        return experiment.getConfig("sweep");
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

    private Map<ComponentKind, String> choices(Selections selections) {
        Map<ComponentKind, String> choices = new EnumMap<>(ComponentKind.class);
        for (ComponentKind kind : Groups.SELECTED) {
            Selection selection = selections.take(kind.group());
            String name = selection != null ? selection.option() : Groups.DEFAULTED.get(kind);
            if (name == null) {
                throw new ScorelabException("no " + kind.group() + " chosen: add defaults { " + kind.group()
                        + " = <name> } to the experiment file or " + kind.group() + "=<name> to the command line; available: "
                        + String.join(", ", registry.names(kind)));
            }
            registry.require(kind, name, selection != null ? selection.where() : "default " + kind.group() + ": ");
            choices.put(kind, name);
        }
        return choices;
    }

    /** The layer of one chosen option, with the layers of the nested groups its file chooses. */
    private Config groupLayer(GroupFiles files, Selections selections, String group, String option, String chosen,
            int depth) {
        Config file = files.read(group, option).orElse(ConfigFactory.empty());
        Config layer = file.withoutPath("defaults")
                .withValue("name", ConfigValueFactory.fromAnyRef(option, "option of " + group + " chosen " + chosen))
                .atPath(group);
        for (Map.Entry<String, ConfigValue> nested : GroupFiles.nestedDefaults(file, group).entrySet()) {
            String path = group + "." + nested.getKey();
            if (depth >= MAX_NESTING) {
                throw new ScorelabException(Options.where(nested.getValue().origin()) + "config groups nest more than "
                        + MAX_NESTING + " deep at " + path);
            }
            Selection selection = selections.take(path);
            String subOption = selection != null ? selection.option() : (String) nested.getValue().unwrapped();
            String where = selection != null ? selection.where() : Options.where(nested.getValue().origin());
            Map<String, String> available = files.options(path);
            if (files.read(path, subOption).isEmpty()) {
                throw new ScorelabException(where + path + "=" + subOption + ": no option '" + subOption
                        + "' of the config group " + path + "; available: "
                        + (available.isEmpty() ? "(none)" : String.join(", ", available.keySet())));
            }
            selections.declare(path);
            layer = layer.withFallback(groupLayer(files, selections, path, subOption,
                    selection != null ? selection.description() : "by " + Options.where(nested.getValue().origin()), depth + 1));
        }
        return layer;
    }

    private Config runtimeDefaults() {
        URL url = ConfigComposer.class.getClassLoader().getResource(DEFAULTS_RESOURCE);
        if (url == null) {
            throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the runtime jar");
        }
        return ConfigFactory.parseURL(url);
    }

    /**
     * @param strict false to apply every override as a set-or-add (a deletion of a missing key does
     *     nothing), for a first look at the config before the schema is complete
     */
    private static Config applyOverrides(Config config, List<Override> overrides, boolean strict) {
        Config result = config;
        for (Override override : overrides) {
            boolean exists = result.hasPathOrNull(override.key());
            if (!strict) {
                result = override.action() != Override.Action.DELETE ? result.withValue(override.key(), override.value())
                        : exists ? result.withoutPath(override.key()) : result;
                continue;
            }
            switch (override.action()) {
                case SET -> {
                    if (!exists) {
                        throw unknownKey(override, result, " (to add a new key use +" + override.key() + "=...)");
                    }
                    ConfigValue current = valueAt(result, override.key());
                    if (typeOf(current) == ConfigValueType.OBJECT && typeOf(override.value()) != ConfigValueType.OBJECT) {
                        throw new ScorelabException("override '" + override.text() + "': " + override.key()
                                + " holds the keys " + String.join(", ", new TreeSet<>(((ConfigObject) current).keySet()))
                                + "; set one of them (" + override.key() + ".<key>=...) or replace it all with ++"
                                + override.key() + "=...");
                    }
                    result = result.withValue(override.key(), override.value());
                }
                case ADD -> {
                    if (exists) {
                        throw new ScorelabException("override '" + override.text() + "': key " + override.key()
                                + " already exists (= " + valueAt(result, override.key()).render(ConfigRenderOptions.concise())
                                + "); set it with " + override.key() + "=... or ++" + override.key() + "=...");
                    }
                    result = result.withValue(override.key(), override.value());
                }
                case SET_OR_ADD -> result = result.withValue(override.key(), override.value());
                case DELETE -> {
                    if (!exists) {
                        throw unknownKey(override, result, "; there is nothing to delete");
                    }
                    ConfigValue current = valueAt(result, override.key());
                    if (override.value() != null && !current.equals(override.value())) {
                        throw new ScorelabException("override '" + override.text() + "': " + override.key() + " is "
                                + current.render(ConfigRenderOptions.concise()) + ", not "
                                + override.value().render(ConfigRenderOptions.concise()) + "; nothing was deleted");
                    }
                    result = result.withoutPath(override.key());
                }
                default -> throw new IllegalStateException(override.action().toString());
            }
        }
        return result;
    }

    /**
     * @return the value at a path that exists, possibly null or not yet resolved (which {@link
     *     Config#getValue} refuses); override keys are plain names joined by dots
     */
    private static ConfigValue valueAt(Config config, String path) {
        ConfigValue value = config.root();
        for (String key : path.split("\\.")) {
            value = ((ConfigObject) value).get(key);
        }
        return value;
    }

    /** @return the value's type, or null for a null reference or a substitution not yet resolved */
    static ConfigValueType typeOf(ConfigValue value) {
        try {
            return value == null ? null : value.valueType();
        } catch (ConfigException.NotResolved e) {
            return null;
        }
    }

    private static ScorelabException unknownKey(Override override, Config config, String hint) {
        Set<String> known = leafKeys(config);
        Groups.SELECTED.forEach(kind -> known.add(kind.group()));
        return new ScorelabException("override '" + override.text() + "': no key " + override.key()
                + KeySuggestions.didYouMean(override.key(), known) + hint);
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

    /**
     * @param experimentFile the experiment file, whose {@code plugins.dirs} are relative to it
     * @param overrideTexts the command-line overrides, whose {@code plugins.dirs=[...]} (relative to
     *     the working directory) replaces the file's
     * @return the plugin directories the experiment asks for
     */
    public static List<Path> pluginDirectories(Path experimentFile, List<String> overrideTexts) {
        List<Path> dirs = new ArrayList<>();
        Config config = readExperiment(experimentFile);
        Path base = experimentFile.toAbsolutePath().getParent();
        for (String text : overrideTexts) {
            if (!OverrideSyntax.split(text).key().equals("plugins.dirs")) {
                continue; // may be a sweep's override, which is not for this parser
            }
            Override override = Override.parse(text);
            if (override.value() != null) {
                config = ConfigFactory.empty().withValue("plugins.dirs", override.value());
                base = Path.of("").toAbsolutePath();
            }
        }
        if (config.hasPath("plugins.dirs")) {
            for (String dir : Options.of(config, "plugins").getStringList("dirs")) {
                dirs.add(base.resolve(dir).normalize());
            }
        }
        return dirs;
    }

    /**
     * An option chosen for a group in the experiment file's {@code defaults} or on the command line.
     *
     * @param option the option
     * @param where "file:line: " or "command line: ", for messages
     * @param description how it was chosen, for origins
     */
    private record Selection(String option, String where, String description) {}

    /**
     * The group choices of the experiment file's {@code defaults} block and of the command line.
     * Groups take their choice as composition meets them; a choice no group takes is an error.
     */
    private final class Selections {
        private final Map<String, Selection> fromFile = new LinkedHashMap<>();
        private final Map<String, Selection> fromCommandLine = new LinkedHashMap<>();
        private final Set<String> taken = new TreeSet<>();
        private final Set<String> declared = new TreeSet<>();
        private final Set<String> consumed = new TreeSet<>();

        Selections(Config experiment, List<Override> overrides) {
            if (experiment.hasPath("defaults")) {
                if (typeOf(experiment.getValue("defaults")) != ConfigValueType.OBJECT) {
                    throw new ScorelabException(ConfigComposer.where(experiment, "defaults")
                            + "defaults must be an object such as defaults { dataset = gmm, loss = dsm }");
                }
                for (Map.Entry<String, ConfigValue> entry : experiment.getObject("defaults").entrySet()) {
                    ConfigValue value = entry.getValue();
                    String where = Options.where(value.origin());
                    if (typeOf(value) != ConfigValueType.STRING) {
                        throw new ScorelabException(where + "defaults." + entry.getKey() + " = "
                                + value.render(ConfigRenderOptions.concise()) + ": expected the name of an option"
                                + Groups.byGroup(entry.getKey()).map(kind -> "; available: "
                                        + String.join(", ", registry.names(kind))).orElse("")
                                + (typeOf(value) == ConfigValueType.OBJECT
                                        ? " (a nested group is chosen as \"" + entry.getKey() + "/<group>\" = <option>)" : ""));
                    }
                    String path = entry.getKey().replace('/', '.');
                    fromFile.put(path, new Selection((String) value.unwrapped(), where, "by " + where.replaceFirst(": $", "")));
                }
            }
            for (Override override : overrides) {
                Groups.byGroup(override.key()).ifPresent(kind -> {
                    if (override.action() != Override.Action.SET || typeOf(override.value()) != ConfigValueType.STRING) {
                        throw new ScorelabException("override '" + override.text() + "': " + kind.group()
                                + " is a config group; choose an option with " + kind.group() + "=<name>; available: "
                                + String.join(", ", registry.names(kind)));
                    }
                });
                if (override.action() == Override.Action.SET && typeOf(override.value()) == ConfigValueType.STRING) {
                    fromCommandLine.put(override.key(), new Selection((String) override.value().unwrapped(),
                            "command line: ", "by override '" + override.text() + "'"));
                }
            }
        }

        /** @return the choice for a group, the command line's over the file's, or null */
        Selection take(String group) {
            taken.add(group);
            Selection selection = fromCommandLine.get(group);
            if (selection != null) {
                consumed.add(group); // every choice of the group on the command line, the last one winning
                return selection;
            }
            return fromFile.get(group);
        }

        String description(String group) {
            Selection selection = fromCommandLine.containsKey(group) ? fromCommandLine.get(group) : fromFile.get(group);
            return selection == null ? "by default" : selection.description();
        }

        void declare(String group) {
            declared.add(group);
        }

        boolean consumed(Override override) {
            return override.action() == Override.Action.SET && typeOf(override.value()) == ConfigValueType.STRING
                    && consumed.contains(override.key());
        }

        void checkAllUsed() {
            for (Map.Entry<String, Selection> entry : fromFile.entrySet()) {
                if (!taken.contains(entry.getKey())) {
                    Set<String> groups = new TreeSet<>(declared);
                    Groups.SELECTED.forEach(kind -> groups.add(kind.group()));
                    throw new ScorelabException(entry.getValue().where() + "defaults." + entry.getKey()
                            + ": no config group '" + entry.getKey() + "'"
                            + KeySuggestions.didYouMean(entry.getKey(), groups) + "; groups: " + String.join(", ", groups));
                }
            }
        }
    }
}
