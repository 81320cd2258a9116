package io.scorelab.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The config-group files: {@code <group>/<option>.conf} in a project's {@code conf/} directory
 * (next to the experiment file), which wins, then {@code scorelab/conf/<group>/<option>.conf} on the
 * plugins' classpath. A nested group's directory sits inside its parent's:
 * {@code architecture.block = resnet} is {@code scorelab/conf/architecture/block/resnet.conf}.
 *
 * <p>A group file may choose options of nested groups in its own {@code defaults} block
 * ({@code defaults { block = resnet }} in {@code architecture/unet.conf}); the file's other keys
 * win over the nested files' keys.
 */
public final class GroupFiles {

    /** The classpath directory of the config-group files. */
    public static final String ROOT = "scorelab/conf/";

    private final ClassLoader loader;
    private final Path projectConf;

    /**
     * @param loader the class loader that sees every plugin jar
     * @param projectConf the project's {@code conf/} directory, or null for none
     */
    public GroupFiles(ClassLoader loader, Path projectConf) {
        this.loader = loader;
        this.projectConf = projectConf;
    }

    /** @return the project's {@code conf/} directory next to an experiment file */
    public static Path projectConf(Path experimentFile) {
        return experimentFile.toAbsolutePath().normalize().getParent().resolve("conf");
    }

    /**
     * @param group the group's config path, for example {@code loss} or {@code architecture.block}
     * @param option the option's name
     * @return the option's file, parsed (not resolved), if there is one
     * @throws ScorelabException naming the file if it does not parse
     */
    public Optional<Config> read(String group, String option) {
        Path project = projectFile(group, option);
        try {
            if (project != null && Files.isRegularFile(project)) {
                return Optional.of(ConfigFactory.parseFile(project.toFile(), ConfigParseOptions.defaults()));
            }
            URL url = loader.getResource(ROOT + directory(group) + option + ".conf");
            return url == null ? Optional.empty() : Optional.of(ConfigFactory.parseURL(url));
        } catch (ConfigException e) {
            throw new ScorelabException("cannot parse the config-group file of " + group + "=" + option + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * @return where an option's file comes from: the project file's path, the jar's file name (or
     *     class directory), or empty when there is no file
     */
    public Optional<String> source(String group, String option) {
        Path project = projectFile(group, option);
        if (project != null && Files.isRegularFile(project)) {
            return Optional.of(project.toString());
        }
        URL url = loader.getResource(ROOT + directory(group) + option + ".conf");
        return url == null ? Optional.empty() : Optional.of(container(url));
    }

    /** @return every option with a file in the group's directory, by name, with where its file comes from */
    public Map<String, String> options(String group) {
        Map<String, String> options = new TreeMap<>();
        String dir = ROOT + directory(group);
        try {
            Enumeration<URL> roots = loader.getResources(dir);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                for (String name : list(root, dir)) {
                    options.putIfAbsent(name, container(root));
                }
            }
        } catch (IOException e) {
            throw new ScorelabException("cannot list the config-group files of " + group + ": " + e.getMessage(), e);
        }
        Path project = projectConf == null ? null : projectConf.resolve(directory(group));
        if (project != null && Files.isDirectory(project)) {
            for (String name : confFiles(project)) {
                options.put(name, project.resolve(name + ".conf").toString());
            }
        }
        return options;
    }

    /**
     * @param file a group file
     * @param group its group, for messages
     * @return the nested groups its {@code defaults} block chooses, by name, with the chosen option
     */
    static Map<String, ConfigValue> nestedDefaults(Config file, String group) {
        Map<String, ConfigValue> nested = new LinkedHashMap<>();
        if (!file.hasPath("defaults")) {
            return nested;
        }
        ConfigValue defaults = file.getValue("defaults");
        if (ConfigComposer.typeOf(defaults) != ConfigValueType.OBJECT) {
            throw new ScorelabException(Options.where(defaults.origin()) + "defaults of the " + group
                    + " file must be an object such as defaults { block = resnet }");
        }
        file.getObject("defaults").forEach((key, value) -> {
            if (ConfigComposer.typeOf(value) != ConfigValueType.STRING) {
                throw new ScorelabException(Options.where(value.origin()) + "defaults." + key + " = "
                        + value.render() + ": expected the name of an option of " + group + "." + key);
            }
            nested.put(key.replace('/', '.'), value);
        });
        return nested;
    }

    private Path projectFile(String group, String option) {
        return projectConf == null ? null : projectConf.resolve(directory(group) + option + ".conf");
    }

    private static String directory(String group) {
        return group.replace('.', '/') + "/";
    }

    private static List<String> list(URL root, String dir) throws IOException {
        String text = root.toString();
        try {
            if (root.getProtocol().equals("file")) {
                return confFiles(Path.of(root.toURI()));
            }
            if (root.getProtocol().equals("jar") && text.contains("!/")) {
                Path jar = Path.of(new URI(text.substring(4, text.indexOf("!/"))));
                List<String> names = new ArrayList<>();
                try (JarFile file = new JarFile(jar.toFile())) {
                    for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                        String name = entries.nextElement().getName();
                        String rest = name.startsWith(dir) ? name.substring(dir.length()) : "";
                        if (rest.endsWith(".conf") && !rest.contains("/")) {
                            names.add(rest.substring(0, rest.length() - ".conf".length()));
                        }
                    }
                }
                return names;
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            return List.of();
        }
        return List.of();
    }

    private static List<String> confFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".conf"))
                    .map(name -> name.substring(0, name.length() - ".conf".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ScorelabException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** @return the jar file name of a classpath resource, or its class directory */
    static String container(URL url) {
        String text = url.toString();
        if (text.startsWith("jar:") && text.contains("!/")) {
            String jar = text.substring(4, text.indexOf("!/"));
            return jar.substring(jar.lastIndexOf('/') + 1);
        }
        int conf = text.indexOf(ROOT);
        String dir = conf > 0 ? text.substring(0, conf) : text;
        return dir.startsWith("file:") ? dir.substring("file:".length()) : dir;
    }
}
