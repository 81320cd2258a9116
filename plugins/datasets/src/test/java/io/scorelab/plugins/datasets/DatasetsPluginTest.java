package io.scorelab.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.inject.Guice;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Dataset;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScorelabException;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatasetsPluginTest {

    /** The config-group file under {@code dataset}, as the runtime composes it. */
    private static Config defaults() {
        return ConfigFactory.parseResources("scorelab/conf/dataset/gmm.conf").atPath("dataset");
    }

    private static Dataset create(Config config) {
        Options options = Options.of(config.resolve(), "dataset");
        Map<String, Provider<Dataset>> datasets = Guice.createInjector(
                        ServiceLoader.load(Plugin.class).stream()
                                .map(ServiceLoader.Provider::get)
                                .filter(DatasetsPlugin.class::isInstance)
                                .findFirst()
                                .orElseThrow(),
                        binder -> binder.bind(Options.class).annotatedWith(Names.named("dataset")).toInstance(options))
                .getInstance(Plugin.<Dataset>providersKey(ComponentKind.DATASET));
        try {
            return datasets.get("gmm").get();
        } catch (ProvisionException e) {
            // The runtime's ComponentFactory unwraps the user error the same way.
            throw (RuntimeException) e.getCause();
        }
    }

    @Test
    void theServiceFileAndTheConfigFileMakeTheQuickstartMixture() {
        Dataset gmm = create(defaults());
        assertThat(gmm).isInstanceOf(GaussianMixtureDataset.class);
        assertThat(gmm.modes().orElseThrow().count()).isEqualTo(8);
        assertThat(gmm.modes().orElseThrow().means()[2][1]).isCloseTo(4.0, within(1e-12));
        assertThat(gmm.modes().orElseThrow().weights()).containsOnly(0.125);
    }

    @Test
    void anOverrideChangesTheMixture() {
        Dataset gmm = create(ConfigFactory.parseString("dataset.modes = 4, dataset.weights = [1, 1, 1, 5]")
                .withFallback(defaults()));
        assertThat(gmm.modes().orElseThrow().weights()).containsExactly(new double[] {0.125, 0.125, 0.125, 0.625},
                within(1e-15));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dataset.modes = 0                    | dataset.modes   | expected a positive integer",
        "dataset.modes = many                 | dataset.modes   | expected an integer",
        "dataset.radius = 0                   | dataset.radius  | expected a positive number",
        "dataset.std = -0.1                   | dataset.std     | expected a positive number",
        "dataset.weights = [1, 2]             | dataset.weights | expected [] (uniform) or a list of 8 numbers, one per mode",
        "dataset.weights = [1,1,1,1,1,1,1,0]  | dataset.weights | expected positive, finite numbers",
        "dataset.weights = 3                  | dataset.weights | expected a list of numbers",
    })
    void badOptionsNameTheKeyAndWhatWasExpected(String override, String key, String expected) {
        assertThatThrownBy(() -> create(ConfigFactory.parseString(override).withFallback(defaults())))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining(key + " = ")
                .hasMessageContaining(expected);
    }
}
