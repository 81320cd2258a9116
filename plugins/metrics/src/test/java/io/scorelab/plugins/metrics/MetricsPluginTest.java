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

    /** Both config-group files under {@code metric.<name>}, as the runtime composes them. */
    private static Config defaults() {
        return ConfigFactory.parseResources("scorelab/conf/metric/mmd.conf").atPath("metric.mmd")
                .withFallback(ConfigFactory.parseResources("scorelab/conf/metric/mode_coverage.conf")
                        .atPath("metric.mode_coverage"));
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
                            for (String metric : new String[] {"mmd", "mode_coverage"}) {
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
    void theServiceFileAndTheConfigFilesMakeBothMetrics() {
        assertThat(create("mmd", defaults())).isInstanceOf(MmdMetric.class);
        assertThat(create("mode_coverage", defaults())).isInstanceOf(ModeCoverageMetric.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mmd           | metric.mmd.bandwidths = []         | metric.mmd.bandwidths           | expected a non-empty list of positive numbers",
        "mmd           | metric.mmd.bandwidths = [0.5, -1]  | metric.mmd.bandwidths           | expected a non-empty list of positive numbers",
        "mmd           | metric.mmd.bandwidths = wide       | metric.mmd.bandwidths           | expected a list of numbers",
        "mode_coverage | metric.mode_coverage.min_ratio = 0 | metric.mode_coverage.min_ratio  | expected a positive number",
        "mode_coverage | metric.mode_coverage.max_ratio = 0.4 | metric.mode_coverage.max_ratio | expected a number greater than metric.mode_coverage.min_ratio = 0.5",
    })
    void badOptionsNameTheKeyAndWhatWasExpected(String metric, String override, String key, String expected) {
        assertThatThrownBy(() -> create(metric, ConfigFactory.parseString(override).withFallback(defaults())))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining(key + " = ")
                .hasMessageContaining(expected);
    }
}
