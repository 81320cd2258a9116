package io.scorelab.runtime.plugin;

/**
 * A discovered plugin.
 *
 * @param name the plugin's name
 * @param version the plugin's version
 * @param source the jar (or class directory) it was loaded from
 */
public record PluginInfo(String name, String version, String source) {}
