package io.scorelab.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's saved, resolved {@code config.conf} turned back into an experiment, so that a checkpoint
 * can be sampled or evaluated with new overrides ({@code sampler=ode sampler.steps=50}): its
 * {@code <group>.name} keys become the {@code defaults} block, and the subtree of a group that the
 * overrides choose anew is dropped, so the new option's group file applies without the old
 * option's keys. Metric subtrees are kept only for the metrics the overrides leave chosen.
 */
public final class SavedConfig {

    private SavedConfig() {}

    /**
     * @param saved the run's {@code config.conf}
     * @param overrides the overrides that will be composed on top
     * @return the experiment, as HOCON text
     * @throws ScorelabException if the file is missing or unreadable
     */
    public static String asExperiment(Path saved, List<String> overrides) {
        if (!Files.isRegularFile(saved)) {
            throw new ScorelabException("the run's configuration " + saved + " is missing");
        }
        Config config;
        try {
            config = ConfigFactory.parseFile(saved.toFile());
        } catch (ConfigException e) {
            throw new ScorelabException("cannot read the run's configuration: " + e.getMessage(), e);
        }
        config = renamedKeys(config);
        List<Override> parsed = overrides.stream().map(Override::parse).toList();
        Map<String, String> defaults = new LinkedHashMap<>();
        for (ComponentKind kind : Groups.CHOSEN) {
            String nameKey = kind.group() + ".name";
            if (!config.hasPath(nameKey)) {
                throw new ScorelabException(saved + " has no " + nameKey + ": it is not a configuration scorelab saved");
            }
            defaults.put(kind.group(), config.getString(nameKey));
        }
        for (Override override : parsed) {
            boolean adds = override.action() == Override.Action.ADD || override.action() == Override.Action.SET_OR_ADD;
            if (adds || override.action() == Override.Action.SET && Groups.byGroup(override.key()).isPresent()) {
                // a key the overrides add must not be in the experiment, which may hold only known keys
                config = config.withoutPath(override.key());
            }
        }
        for (Override override : parsed) {
            if (override.key().equals(Groups.METRICS_KEY) && override.value() != null && config.hasPath("metric")) {
                List<String> chosen = metricNames(override.value());
                for (String metric : config.getObject("metric").keySet()) {
                    if (!chosen.contains(metric)) {
                        config = config.withoutPath(Groups.metricPath(metric));
                    }
                }
            }
        }
        Config experiment = config.withValue("defaults", ConfigValueFactory.fromMap(defaults));
        return experiment.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }

    /**
     * @param saved the run's {@code config.conf}
     * @param overridesFile the run's {@code overrides.txt}
     * @return {@code ++key=value} for each key the run's overrides added ({@code +key} or {@code
     *     ++key}), valued as saved, to compose ahead of new overrides; empty if there is no such file
     */
    public static List<String> addedKeys(Path saved, Path overridesFile) {
        if (!Files.isRegularFile(overridesFile) || !Files.isRegularFile(saved)) {
            return List.of();
        }
        Config config = ConfigFactory.parseFile(saved.toFile());
        List<String> added = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(overridesFile)) {
                if (!line.startsWith("+")) {
                    continue;
                }
                Override override = Override.parse(line.strip());
                if (config.hasPath(override.key())) {
                    added.add("++" + override.key() + "=" + config.getValue(override.key())
                            .render(ConfigRenderOptions.concise()));
                }
            }
        } catch (IOException e) {
            throw new ScorelabException("cannot read " + overridesFile + ": " + e.getMessage(), e);
        }
        return added;
    }

    /** Keys renamed since a run was saved, old to new. */
    private static final Map<String, String> RENAMED = Map.of("sampler.denoise", "sampler.denoise_last");

    /** @return the saved config with keys renamed since it was saved under their new names */
    private static Config renamedKeys(Config config) {
        Config renamed = config;
        for (Map.Entry<String, String> rename : RENAMED.entrySet()) {
            if (renamed.hasPath(rename.getKey()) && !renamed.hasPath(rename.getValue())) {
                renamed = renamed.withValue(rename.getValue(), renamed.getValue(rename.getKey()))
                        .withoutPath(rename.getKey());
            }
        }
        return renamed;
    }

    private static List<String> metricNames(ConfigValue list) {
        Object value = list.unwrapped();
        if (!(value instanceof List<?> items)) {
            return List.of();
        }
        return items.stream().map(String::valueOf).toList();
    }
}
