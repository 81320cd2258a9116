package io.scorelab.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {

    @TempDir
    Path dir;

    /** Writes a jar whose service file names {@code provider} (a class on the test classpath). */
    private Path pluginJar(String name, Class<?> provider) throws IOException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/io.scorelab.api.Plugin"));
            out.write((provider.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void findsClasspathPluginsAndTheirComponents() {
        PluginRegistry registry = PluginRegistry.discover(List.of());
        assertThat(registry.names(ComponentKind.LOSS)).contains("l1", "l2", "ncsn", "dsm");
        assertThat(registry.names(ComponentKind.DATASET)).contains("points", "gmm");
        ComponentDeclaration l2 = registry.find(ComponentKind.LOSS, "l2").orElseThrow();
        assertThat(l2.plugin().name()).isEqualTo("fake");
        assertThat(l2.plugin().version()).isEqualTo("1.2.3");
        assertThat(registry.groupFile(ComponentKind.LOSS, "l2")).isPresent();
    }

    @Test
    void twoPluginsWithTheSameNameAreRefusedNamingBoth() throws IOException {
        pluginJar("clash.jar", ClashingPlugin.class);
        assertThatThrownBy(() -> PluginRegistry.discover(List.of(dir)))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("two plugins declare the loss 'l2'")
                .hasMessageContaining("fake (")
                .hasMessageContaining("clashing (");
    }

    @Test
    void aPluginForAnotherApiVersionIsRefused() throws IOException {
        pluginJar("future.jar", FuturePlugin.class);
        assertThatThrownBy(() -> PluginRegistry.discover(List.of(dir)))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("plugin future")
                .hasMessageContaining("was built for scorelab API version " + (Plugin.API_VERSION + 1))
                .hasMessageContaining("provides API version " + Plugin.API_VERSION);
    }

    @Test
    void aCorruptJarIsNamed() throws IOException {
        Path jar = dir.resolve("broken.jar");
        try (OutputStream out = Files.newOutputStream(jar)) {
            out.write("not a zip".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> PluginRegistry.discover(List.of(dir)))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("broken.jar")
                .hasMessageContaining("not a readable jar");
    }

    @Test
    void aMissingPluginDirectoryIsAUserError() {
        assertThatThrownBy(() -> PluginRegistry.discover(List.of(dir.resolve("absent"))))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void componentsGetTheirOptionsAndBadValuesNameTheKey() {
        PluginRegistry registry = PluginRegistry.discover(List.of());
        ComponentFactory factory = new ComponentFactory(registry, ConfigFactory.parseString(
                "dataset.size = 3\nloss.weight = 0.25\nmetric.mean.digits = 4"));
        FakePlugin.Points points = factory.create(ComponentKind.DATASET, "points");
        FakePlugin.L2 loss = factory.create(ComponentKind.LOSS, "l2");
        FakePlugin.Mean mean = factory.create(ComponentKind.METRIC, "mean");
        assertThat(points.size).isEqualTo(3);
        assertThat(loss.weight).isEqualTo(0.25);
        assertThat(mean.digits).isEqualTo(4);

        ComponentFactory bad = new ComponentFactory(registry, ConfigFactory.parseString("dataset.size = -1"));
        assertThatThrownBy(() -> bad.create(ComponentKind.DATASET, "points"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("dataset.size = -1: expected a positive integer");
        ComponentFactory wrongType = new ComponentFactory(registry, ConfigFactory.parseString("loss.weight = heavy"));
        assertThatThrownBy(() -> wrongType.create(ComponentKind.LOSS, "l2"))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("loss.weight = \"heavy\": expected a number");
    }
}
