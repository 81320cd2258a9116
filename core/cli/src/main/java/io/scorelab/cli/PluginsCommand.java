package io.scorelab.cli;

import io.scorelab.runtime.plugin.ComponentDeclaration;
import io.scorelab.runtime.plugin.PluginRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scorelab plugins}: every component with its kind, name, plugin, version and jar. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every installed component: kind, name, plugin, version, jar.")
final class PluginsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--plugin-dir", description = "Also search the jars of this directory (repeatable).")
    private List<Path> pluginDirs = List.of();

    @Override
    public Integer call() {
        PluginRegistry registry = PluginRegistry.discover(PluginRegistry.pluginDirectories(pluginDirs));
        PrintWriter out = spec.commandLine().getOut();
        String format = "%-13s %-18s %-22s %-16s %s%n";
        out.printf(format, "KIND", "NAME", "PLUGIN", "VERSION", "JAR");
        for (ComponentDeclaration component : registry.declarations()) {
            out.printf(format, component.kind().group(), component.name(), component.plugin().name(),
                    component.plugin().version(), component.source());
        }
        out.flush();
        return 0;
    }
}
