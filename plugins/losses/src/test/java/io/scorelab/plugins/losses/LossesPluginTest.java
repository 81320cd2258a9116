package io.scorelab.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Loss;
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

class LossesPluginTest {

    @Test
    void isFoundByTheServiceLoader() {
        assertThat(ServiceLoader.load(Plugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(LossesPlugin.class);
    }

    @Test
    void guiceBuildsEachLossFromItsConfigGroupFile() {
        Config dsm = groupFile("dsm");
        assertThat(dsm.entrySet()).extracting(Map.Entry::getKey).containsExactly("sigma");
        assertThat(groupFile("ncsn").isEmpty()).isTrue();

        assertThat(losses(dsm.atKey("loss")).get("dsm").get()).isInstanceOf(DsmLoss.class);
        assertThat(losses(groupFile("ncsn").atKey("loss")).get("ncsn").get()).isInstanceOf(NcsnLoss.class);
    }

    @Test
    void aNonPositiveSigmaIsReportedWithFileAndLine(@TempDir Path directory) throws IOException {
        Path experiment = directory.resolve("experiment.conf");
        Files.writeString(experiment, "loss {\n  sigma = -0.5\n}\n");
        Config config = ConfigFactory.parseFile(experiment.toFile()).withFallback(groupFile("dsm").atKey("loss"));

        assertThatThrownBy(() -> losses(config).get("dsm").get())
                .isInstanceOf(ProvisionException.class)
                .cause()
                .isInstanceOf(ScorelabException.class)
                .hasMessage(experiment + ":2: loss.sigma = -0.5: expected a positive number");
    }

    private static Config groupFile(String name) {
        return ConfigFactory.parseResources(ComponentKind.LOSS.confDirectory() + name + ".conf");
    }

    private static Map<String, Provider<Loss>> losses(Config config) {
        return Guice.createInjector(new LossesPlugin(), binder -> binder
                        .bind(Options.class)
                        .annotatedWith(Names.named("loss"))
                        .toInstance(Options.of(config, "loss")))
                .getInstance(Plugin.<Loss>providersKey(ComponentKind.LOSS));
    }
}
