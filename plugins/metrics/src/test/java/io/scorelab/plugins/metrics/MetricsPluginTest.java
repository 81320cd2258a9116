package io.scorelab.plugins.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Metric;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScorelabException;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricsPluginTest {

    private static final String[] METRICS =
            {"mmd", "mode_coverage", "fisher", "sliced_wasserstein", "energy_distance", "memorization"};

    /** Every config-group file under {@code metric.<name>}, as the runtime composes them. */
    private static Config defaults() {
        Config config = ConfigFactory.empty();
        for (String metric : METRICS) {
            config = config.withFallback(ConfigFactory.parseResources("scorelab/conf/metric/" + metric + ".conf")
                    .atPath("metric." + metric));
        }
        return config;
    }

    private static Metric create(String name, Config config) {
        Config resolved = config.resolve();
        Map<String, Provider<Metric>> metrics = Guice.createInjector(
                        ServiceLoader.load(Plugin.class).stream()
                                .map(ServiceLoader.Provider::get)
                                .filter(MetricsPlugin.class::isInstance)
                                .findFirst()
                                .orElseThrow(),
                        binder -> {
                            for (String metric : METRICS) {
                                binder.bind(Options.class).annotatedWith(Names.named("metric." + metric))
                                        .toInstance(Options.of(resolved, "metric." + metric));
                            }
                        })
                .getInstance(Plugin.<Metric>providersKey(ComponentKind.METRIC));
        try {
            return metrics.get(name).get();
        } catch (ProvisionException e) {
            // The runtime's ComponentFactory unwraps the user error the same way.
            throw (RuntimeException) e.getCause();
        }
    }

    @Test
    void theServiceFileAndTheConfigFilesMakeEveryMetric() {
        assertThat(create("mmd", defaults())).isInstanceOf(MmdMetric.class);
        assertThat(create("mode_coverage", defaults())).isInstanceOf(ModeCoverageMetric.class);
        assertThat(create("fisher", defaults())).isInstanceOf(FisherDivergenceMetric.class);
        assertThat(create("sliced_wasserstein", defaults())).isInstanceOf(SlicedWassersteinMetric.class);
        assertThat(create("energy_distance", defaults())).isInstanceOf(EnergyDistanceMetric.class);
        assertThat(create("memorization", defaults())).isInstanceOf(MemorizationMetric.class);
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        Config config = defaults();
        assertThat(config.getDoubleList("metric.fisher.sigmas")).containsExactly(0.01, 0.1, 1.0);
        assertThat(config.getInt("metric.fisher.samples")).isEqualTo(2000);
        assertThat(config.getInt("metric.sliced_wasserstein.projections")).isEqualTo(256);
        assertThat(config.getInt("metric.memorization.reference")).isEqualTo(2000);
        for (String metric : new String[] {"mmd", "sliced_wasserstein", "energy_distance"}) {
            assertThat(config.getInt("metric." + metric + ".bootstrap")).isEqualTo(20);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mmd           | metric.mmd.bandwidths = []         | metric.mmd.bandwidths           | expected a non-empty list of positive numbers",
        "mmd           | metric.mmd.bandwidths = [0.5, -1]  | metric.mmd.bandwidths           | expected a non-empty list of positive numbers",
        "mmd           | metric.mmd.bandwidths = wide       | metric.mmd.bandwidths           | expected a list of numbers",
        "mode_coverage | metric.mode_coverage.min_ratio = 0 | metric.mode_coverage.min_ratio  | expected a positive number",
        "mode_coverage | metric.mode_coverage.max_ratio = 0.4 | metric.mode_coverage.max_ratio | expected a number greater than metric.mode_coverage.min_ratio = 0.5",
        "mmd           | metric.mmd.bootstrap = 1           | metric.mmd.bootstrap            | expected an integer >= 2",
        "fisher        | metric.fisher.sigmas = []          | metric.fisher.sigmas            | expected a non-empty list of positive numbers",
        "fisher        | metric.fisher.sigmas = [0.1, 0]    | metric.fisher.sigmas            | expected a non-empty list of positive numbers",
        "fisher        | metric.fisher.sigmas = [0.1, 0.1001] | metric.fisher.sigmas          | but two round to 0.1",
        "fisher        | metric.fisher.samples = 1          | metric.fisher.samples           | expected an integer >= 2",
        "sliced_wasserstein | metric.sliced_wasserstein.projections = 0 | metric.sliced_wasserstein.projections | expected a positive integer",
        "sliced_wasserstein | metric.sliced_wasserstein.bootstrap = 0   | metric.sliced_wasserstein.bootstrap   | expected an integer >= 2",
        "energy_distance | metric.energy_distance.bootstrap = many | metric.energy_distance.bootstrap   | expected an integer",
        "memorization  | metric.memorization.reference = 1  | metric.memorization.reference   | expected an integer >= 2",
    })
    void badOptionsNameTheKeyAndWhatWasExpected(String metric, String override, String key, String expected) {
        assertThatThrownBy(() -> create(metric, ConfigFactory.parseString(override).withFallback(defaults())))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining(key + " = ")
                .hasMessageContaining(expected);
    }
}
