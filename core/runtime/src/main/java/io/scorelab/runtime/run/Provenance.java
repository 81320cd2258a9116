package io.scorelab.runtime.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.scorelab.api.ComponentKind;
import io.scorelab.runtime.config.ResolvedConfig;
import io.scorelab.runtime.plugin.ComponentDeclaration;
import io.scorelab.runtime.plugin.PluginRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The tags that say what ran and where: the chosen components and their plugins' versions, the
 * engine, the device, the JVM and the OS, the source file and its git commit. With the logged config
 * they are enough to rerun the experiment.
 */
final class Provenance {

    private Provenance() {}

    static Map<String, String> tags(ResolvedConfig config, PluginRegistry registry, Device device, String runName) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.runName", runName);
        tags.put("mlflow.user", System.getProperty("user.name", "unknown"));
        tags.put("mlflow.source.name", config.experimentFile().toString());
        tags.put("mlflow.source.type", "LOCAL");
        gitCommit(config.experimentFile().toAbsolutePath().getParent())
                .ifPresent(commit -> tags.put("mlflow.source.git.commit", commit));
        config.choices().forEach((kind, name) -> tag(tags, registry, kind, name));
        for (String metric : config.metrics()) {
            tag(tags, registry, ComponentKind.METRIC, metric);
        }
        tags.put("scorelab.overrides", String.join(" ", config.redactedOverrides()));
        tags.put("scorelab.djl.version", Engine.getDjlVersion());
        tags.put("scorelab.engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        tags.put("scorelab.device", device.toString());
        tags.put("scorelab.java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        tags.put("scorelab.os", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch"));
        tags.put("scorelab.cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        return tags;
    }

    private static void tag(Map<String, String> tags, PluginRegistry registry, ComponentKind kind, String name) {
        String key = kind == ComponentKind.METRIC ? "scorelab.component.metric." + name : "scorelab.component." + kind.group();
        tags.put(key, name);
        registry.find(kind, name).map(ComponentDeclaration::plugin).ifPresent(plugin ->
                {
                    tags.put("scorelab.plugin." + plugin.name() + ".version", plugin.version());
                    tags.put("scorelab.plugin." + plugin.name() + ".jar", plugin.source());
                });
    }

    private static Optional<String> gitCommit(Path directory) {
        try {
            Process git = new ProcessBuilder(List.of("git", "rev-parse", "HEAD"))
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && out.matches("[0-9a-f]{40}")) {
                return Optional.of(out);
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }
}
