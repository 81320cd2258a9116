package io.scorelab.cli;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.ConfigComposer;
import io.scorelab.runtime.config.GroupCatalog;
import io.scorelab.runtime.config.GroupFiles;
import io.scorelab.runtime.config.Origins;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.config.SecretKeys;
import io.scorelab.runtime.plugin.PluginRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code scorelab config <experiment.conf> [overrides...]}: the resolved config, where each value comes from, the groups. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print an experiment's resolved config (HOCON, or JSON with --json), each value's origin"
                + " (--origin), or every config group with its options and providers (--groups).")
final class ConfigCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of HOCON.")
    private boolean json;

    @Option(names = "--origin", description = "Print each leaf as key = value with where the value came from.")
    private boolean origin;

    @Option(names = "--groups", description = "List every config group, its options and the plugin (jar) of each.")
    private boolean groups;

    @Option(names = "--plugin-dir", description = "Also search the jars of this directory (repeatable).")
    private List<Path> pluginDirs = List.of();

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT", description = "The experiment file (HOCON).")
    private Path experiment;

    @Parameters(index = "1..*", paramLabel = "OVERRIDE", description = "Config overrides, as for run.")
    private List<String> overrides = List.of();

    @Override
    public Integer call() {
        if (json && origin) {
            throw new ScorelabException("--json and --origin: choose one");
        }
        List<Path> dirs = new ArrayList<>(pluginDirs);
        if (experiment != null) {
            dirs.addAll(ConfigComposer.pluginDirectories(experiment, overrides));
        }
        PluginRegistry registry = PluginRegistry.discover(PluginRegistry.pluginDirectories(dirs));
        PrintWriter out = spec.commandLine().getOut();
        if (groups) {
            printGroups(out, registry);
        } else if (experiment == null) {
            throw new ScorelabException("give an experiment file: scorelab config <experiment.conf> [overrides...]"
                    + " (or --groups to list the config groups)");
        } else {
            ResolvedConfig config = new ConfigComposer(registry).compose(experiment, overrides);
            if (origin) {
                printOrigins(out, config);
            } else {
                out.print(json
                        ? config.renderJson() + "\n"
                        : config.render());
            }
        }
        out.flush();
        return 0;
    }

    private static void printOrigins(PrintWriter out, ResolvedConfig config) {
        Map<String, ConfigValue> leaves = new TreeMap<>();
        SecretKeys.redact(config.config()).entrySet().forEach(entry -> leaves.put(entry.getKey(), entry.getValue()));
        List<String[]> rows = new ArrayList<>();
        int width = 0;
        for (Map.Entry<String, ConfigValue> leaf : leaves.entrySet()) {
            String assignment = leaf.getKey() + " = " + leaf.getValue().render(ConfigRenderOptions.concise());
            rows.add(new String[] {assignment, Origins.describe(leaf.getValue().origin())});
            width = Math.max(width, assignment.length());
        }
        for (String[] row : rows) {
            out.printf("%-" + width + "s  # %s%n", row[0], row[1]);
        }
    }

    private void printGroups(PrintWriter out, PluginRegistry registry) {
        GroupFiles files = new GroupFiles(registry.classLoader(),
                experiment == null ? null : GroupFiles.projectConf(experiment));
        String format = "%-20s %-18s %-38s %s%n";
        out.printf(format, "GROUP", "OPTION", "PLUGIN", "JAR / FILE");
        for (GroupCatalog.Entry entry : GroupCatalog.list(registry, files)) {
            String where = entry.file().isEmpty() || entry.file().equals(entry.source())
                    ? entry.source() : entry.source() + " (config " + entry.file() + ")";
            out.printf(format, entry.group(), entry.option(), entry.plugin().isEmpty() ? "(config only)" : entry.plugin(),
                    where);
        }
    }
}
