package io.scorelab.runtime.config;

import com.typesafe.config.Config;
import io.scorelab.api.ComponentKind;
import io.scorelab.runtime.plugin.ComponentDeclaration;
import io.scorelab.runtime.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Every config group, each option, and what provides it: the listing of {@code scorelab config --groups}. */
public final class GroupCatalog {

    /**
     * One option of a group.
     *
     * @param group the group's config path, for example {@code loss} or {@code architecture.block}
     * @param option the option's name
     * @param plugin the plugin that declares the component ("name version"), or empty for a
     *     config-only option of a nested group
     * @param source the jar (or class directory) of the component, else of the option's file
     * @param file where the option's config-group file comes from, if it has one
     */
    public record Entry(String group, String option, String plugin, String source, String file) {}

    private GroupCatalog() {}

    /**
     * @param registry the plugins
     * @param files the config-group files (with a project's {@code conf/} directory, if any)
     * @return every option of every group, groups in composition order, options by name
     */
    public static List<Entry> list(PluginRegistry registry, GroupFiles files) {
        List<Entry> entries = new ArrayList<>();
        List<ComponentKind> kinds = new ArrayList<>(Groups.SELECTED);
        kinds.add(ComponentKind.METRIC);
        for (ComponentKind kind : kinds) {
            Set<String> nested = new TreeSet<>();
            for (String name : registry.names(kind)) {
                ComponentDeclaration declaration = registry.find(kind, name).orElseThrow();
                Optional<Config> file = files.read(kind.group(), name);
                entries.add(new Entry(kind.group(), name,
                        declaration.plugin().name() + " " + declaration.plugin().version(), declaration.source(),
                        files.source(kind.group(), name).orElse("")));
                file.ifPresent(f -> GroupFiles.nestedDefaults(f, kind.group())
                        .keySet().forEach(key -> nested.add(kind.group() + "." + key)));
            }
            nested.forEach(group -> addNested(files, group, entries, 1));
        }
        return entries;
    }

    private static void addNested(GroupFiles files, String group, List<Entry> entries, int depth) {
        Set<String> deeper = new TreeSet<>();
        for (Map.Entry<String, String> option : files.options(group).entrySet()) {
            entries.add(new Entry(group, option.getKey(), "", option.getValue(),
                    files.source(group, option.getKey()).orElse("")));
            if (depth < 8) {
                files.read(group, option.getKey()).ifPresent(f -> GroupFiles.nestedDefaults(f, group)
                        .keySet().forEach(key -> deeper.add(group + "." + key)));
            }
        }
        deeper.forEach(nested -> addNested(files, nested, entries, depth + 1));
    }
}
