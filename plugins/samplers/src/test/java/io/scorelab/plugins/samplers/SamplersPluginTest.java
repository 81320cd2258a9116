package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Guice;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.Sampler;
import io.scorelab.api.ScorelabException;
import io.scorelab.plugins.schedules.GeometricSchedule;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SamplersPluginTest {

    /** The config-group file under {@code sampler}, as the runtime composes it. */
    private static Config defaults() {
        return ConfigFactory.parseResources("scorelab/conf/sampler/annealed_langevin.conf").atPath("sampler");
    }

    private static Sampler create(Config config) {
        Options options = Options.of(config.resolve(), "sampler");
        Map<String, Provider<Sampler>> samplers = Guice.createInjector(
                        ServiceLoader.load(Plugin.class).stream()
                                .map(ServiceLoader.Provider::get)
                                .filter(SamplersPlugin.class::isInstance)
                                .findFirst()
                                .orElseThrow(),
                        binder -> binder.bind(Options.class).annotatedWith(Names.named("sampler")).toInstance(options))
                .getInstance(Plugin.<Sampler>providersKey(ComponentKind.SAMPLER));
        try {
            return samplers.get("annealed_langevin").get();
        } catch (ProvisionException e) {
            // The runtime's ComponentFactory unwraps the user error the same way.
            throw (RuntimeException) e.getCause();
        }
    }

    @Test
    void theServiceFileAndTheConfigFileMakeTheSampler() {
        assertThat(create(defaults())).isInstanceOf(AnnealedLangevinSampler.class);
    }

    @Test
    void anOverrideChangesTheCost() {
        Sampler sampler = create(ConfigFactory.parseString("sampler.steps_per_level = 50, sampler.denoise = false")
                .withFallback(defaults()));
        try (NDManager manager = NDManager.newBaseManager()) {
            int nfe = sampler.sample((x, t) -> x.zerosLike(), new GeometricSchedule(0.01, 10, 10), manager,
                    new Shape(2, 2)).nfe();
            assertThat(nfe).isEqualTo(10 * 50);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sampler.steps_per_level = 0 | sampler.steps_per_level | expected a positive integer",
        "sampler.step_lr = 0         | sampler.step_lr         | expected a positive number",
        "sampler.step_lr = fast      | sampler.step_lr         | expected a number",
        "sampler.denoise = maybe     | sampler.denoise         | expected a boolean (true or false)",
        "sampler.levels = 1          | sampler.levels          | expected an integer >= 2",
    })
    void badOptionsNameTheKeyAndWhatWasExpected(String override, String key, String expected) {
        assertThatThrownBy(() -> create(ConfigFactory.parseString(override).withFallback(defaults())))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining(key + " = ")
                .hasMessageContaining(expected);
    }
}
