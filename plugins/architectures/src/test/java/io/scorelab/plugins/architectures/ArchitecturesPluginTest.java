package io.scorelab.plugins.architectures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.Architecture;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchitecturesPluginTest {

    @Test
    void isFoundByTheServiceLoader() {
        assertThat(ServiceLoader.load(Plugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(ArchitecturesPlugin.class);
    }

    @Test
    void guiceBuildsMlpFromItsConfigGroupFile() {
        Config defaults = ConfigFactory.parseResources(ComponentKind.ARCHITECTURE.confDirectory() + "mlp.conf");
        assertThat(defaults.entrySet()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("width", "depth", "activation", "embedding_dim");

        assertThat(architectures(defaults.atKey("architecture"))).containsOnlyKeys("mlp", "resmlp", "unet");
        assertThat(architectures(defaults.atKey("architecture")).get("mlp").get())
                .isInstanceOf(MlpArchitecture.class);
    }

    @Test
    void guiceBuildsResMlpAndUNetFromTheirConfigGroupFiles() {
        Config resmlp = ConfigFactory.parseResources(ComponentKind.ARCHITECTURE.confDirectory() + "resmlp.conf");
        assertThat(resmlp.entrySet()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(
                "width", "blocks", "activation", "embedding", "embedding_dim", "fourier_scale");
        assertThat(architectures(resmlp.atKey("architecture")).get("resmlp").get())
                .isInstanceOf(ResMlpArchitecture.class);

        Config unet = ConfigFactory.parseResources(ComponentKind.ARCHITECTURE.confDirectory() + "unet.conf");
        assertThat(unet.entrySet()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(
                "channels", "channel_mult", "res_blocks", "attention", "groups", "embedding", "embedding_dim",
                "fourier_scale");
        assertThat(architectures(unet.atKey("architecture")).get("unet").get())
                .isInstanceOf(UNetArchitecture.class);
    }

    @Test
    void badUNetOptionsAreReportedWithFileAndLine(@TempDir Path directory) throws IOException {
        Path experiment = directory.resolve("experiment.conf");
        Files.writeString(experiment, "architecture {\n  channels = 12\n  channel_mult = [1, 1.5]\n}\n");
        Config defaults = ConfigFactory.parseResources(ComponentKind.ARCHITECTURE.confDirectory() + "unet.conf")
                .atKey("architecture");
        assertThatThrownBy(() -> architectures(ConfigFactory.parseFile(experiment.toFile()).withFallback(defaults))
                        .get("unet").get())
                .isInstanceOf(ProvisionException.class)
                .cause()
                .isInstanceOf(ScorelabException.class)
                .hasMessage(experiment + ":3: architecture.channel_mult = [1,1.5]: expected a non-empty list of"
                        + " positive integers, such as [1, 2]");

        Files.writeString(experiment, "architecture {\n  channels = 12\n}\n");
        // 12 channels do not split into the default 8 groups
        assertThatThrownBy(() -> architectures(ConfigFactory.parseFile(experiment.toFile()).withFallback(defaults))
                        .get("unet").get())
                .isInstanceOf(ProvisionException.class)
                .cause()
                .isInstanceOf(ScorelabException.class)
                .hasMessageEndingWith("unet.conf:6: architecture.groups = 8: expected a divisor of every"
                        + " channels * channel_mult[i] (channels = 12, channel_mult = [1, 2])");
    }

    @Test
    void anOddEmbeddingSizeIsReportedWithFileAndLine(@TempDir Path directory) throws IOException {
        Path experiment = directory.resolve("experiment.conf");
        Files.writeString(experiment, "architecture {\n  width = 64\n  embedding_dim = 33\n}\n");
        Config config = ConfigFactory.parseFile(experiment.toFile())
                .withFallback(ConfigFactory.parseResources(ComponentKind.ARCHITECTURE.confDirectory() + "mlp.conf")
                        .atKey("architecture"));

        assertThatThrownBy(() -> architectures(config).get("mlp").get())
                .isInstanceOf(ProvisionException.class)
                .cause()
                .isInstanceOf(ScorelabException.class)
                .hasMessage(experiment + ":3: architecture.embedding_dim = 33: expected a positive even integer");
    }

    private static Map<String, Provider<Architecture>> architectures(Config config) {
        Injector injector = Guice.createInjector(new ArchitecturesPlugin(), binder -> binder
                .bind(Options.class)
                .annotatedWith(Names.named("architecture"))
                .toInstance(Options.of(config, "architecture")));
        return injector.getInstance(Plugin.<Architecture>providersKey(ComponentKind.ARCHITECTURE));
    }
}
