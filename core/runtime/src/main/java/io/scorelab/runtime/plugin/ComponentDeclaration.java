package io.scorelab.runtime.plugin;

import io.scorelab.api.ComponentKind;

/**
 * One named component of a plugin.
 *
 * @param kind the extension point
 * @param name the name configs use
 * @param implementation the implementing class
 * @param plugin the plugin that declares it
 * @param source the jar (or class directory) the plugin was loaded from
 */
public record ComponentDeclaration(
        ComponentKind kind, String name, Class<?> implementation, PluginInfo plugin, String source) {}
