package io.scorelab.plugins.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.Autograd;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Metric;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.Sampler;
import io.scorelab.api.ScorelabException;
import io.scorelab.autograd.PtAutograd;
import io.scorelab.plugins.schedules.GeometricSchedule;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SamplersPluginTest {

    /** The config-group file of a sampler under {@code sampler}, as the runtime composes it. */
    private static Config defaults(String name) {
        return ConfigFactory.parseResources("scorelab/conf/sampler/" + name + ".conf").atPath("sampler");
    }

    private static Injector injector(Config config) {
        Config resolved = config.resolve();
        return Guice.createInjector(
                ServiceLoader.load(Plugin.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(SamplersPlugin.class::isInstance)
                        .findFirst()
                        .orElseThrow(),
                binder -> {
                    binder.bind(Options.class).annotatedWith(Names.named("sampler")).toInstance(Options.of(resolved, "sampler"));
                    binder.bind(Options.class).annotatedWith(Names.named("metric.nll"))
                            .toInstance(Options.of(resolved, "metric.nll"));
                    binder.bind(Autograd.class).to(PtAutograd.class);
                });
    }

    private static <T> T provide(Provider<T> provider) {
        try {
            return provider.get();
        } catch (ProvisionException e) {
            // The runtime's ComponentFactory unwraps the user error the same way.
            throw (RuntimeException) e.getCause();
        }
    }

    private static Sampler create(String name, Config config) {
        Map<String, Provider<Sampler>> samplers = injector(config).getInstance(Plugin.<Sampler>providersKey(ComponentKind.SAMPLER));
        return provide(samplers.get(name));
    }

    private static Metric nll(Config config) {
        Map<String, Provider<Metric>> metrics = injector(config).getInstance(Plugin.<Metric>providersKey(ComponentKind.METRIC));
        return provide(metrics.get("nll"));
    }

    private static Config nllDefaults() {
        return ConfigFactory.parseResources("scorelab/conf/metric/nll.conf").atPath("metric.nll");
    }

    @ParameterizedTest
    @CsvSource({
        "langevin, LangevinSampler",
        "annealed_langevin, AnnealedLangevinSampler",
        "euler_maruyama, EulerMaruyamaSampler",
        "reverse_diffusion, ReverseDiffusionSampler",
        "ancestral, AncestralSampler",
        "pc, PcSampler",
        "ode, OdeSampler",
        "ddim, DdimSampler",
        "edm, EdmSampler",
    })
    void theServiceFileAndTheConfigFileMakeEachSampler(String name, String type) {
        assertThat(create(name, defaults(name)).getClass().getSimpleName()).isEqualTo(type);
    }

    @Test
    void theNllMetricIsRegisteredWithItsDefaults() {
        assertThat(nll(nllDefaults())).isInstanceOf(NllMetric.class);
    }

    @Test
    void anOverrideChangesTheCost() {
        Sampler sampler = create("annealed_langevin",
                ConfigFactory.parseString("sampler.steps_per_level = 50, sampler.denoise_last = false")
                        .withFallback(defaults("annealed_langevin")));
        try (NDManager manager = NDManager.newBaseManager()) {
            int nfe = sampler.sample((x, t) -> x.zerosLike(), new GeometricSchedule(0.01, 10, 10), new SampleNoise(0, 0),
                    manager, new Shape(2, 2)).nfe();
            assertThat(nfe).isEqualTo(10 * 50);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "annealed_langevin | sampler.steps_per_level = 0 | sampler.steps_per_level | expected a positive integer",
        "annealed_langevin | sampler.step_lr = 0         | sampler.step_lr         | expected a positive number",
        "annealed_langevin | sampler.step_lr = fast      | sampler.step_lr         | expected a number",
        "annealed_langevin | sampler.denoise_last = maybe | sampler.denoise_last   | expected a boolean (true or false)",
        "annealed_langevin | sampler.levels = 1          | sampler.levels          | expected an integer >= 2",
        "langevin          | sampler.sigma = 0           | sampler.sigma           | expected a positive number",
        "langevin          | sampler.step_size = -1      | sampler.step_size       | expected a positive number",
        "euler_maruyama    | sampler.steps = 0           | sampler.steps           | expected a positive integer",
        "pc                | sampler.predictor = heun    | sampler.predictor       | expected one of auto, euler_maruyama, reverse_diffusion, ancestral, none",
        "pc                | sampler.corrector = hmc     | sampler.corrector       | expected one of auto, langevin, ald, none",
        "pc                | sampler.snr = 0             | sampler.snr             | expected a positive number",
        "ode               | sampler.solver = rk5        | sampler.solver          | expected one of euler, heun, rk4, rk45",
        "ode               | sampler.rtol = 0            | sampler.rtol            | expected a positive number",
        "ddim              | sampler.spacing = middle    | sampler.spacing         | expected one of linspace, leading, trailing",
        "ddim              | sampler.eta = -1            | sampler.eta             | expected a number >= 0",
        "edm               | sampler.steps = 1           | sampler.steps           | expected an integer >= 2",
        "edm               | sampler.s_churn = -1        | sampler.s_churn         | expected a number >= 0",
        "edm               | sampler.sigma_min = 0       | sampler.sigma_min       | expected a positive number",
    })
    void badSamplerOptionsNameTheKeyAndWhatWasExpected(String name, String override, String key, String expected) {
        assertThatThrownBy(() -> create(name, ConfigFactory.parseString(override).withFallback(defaults(name))))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining(key + " = ")
                .hasMessageContaining(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "metric.nll.samples = 1             | metric.nll.samples    | expected an integer >= 2",
        "metric.nll.divergence = approx     | metric.nll.divergence | expected one of auto, exact, hutchinson",
        "metric.nll.probe = uniform         | metric.nll.probe      | expected one of rademacher, gaussian",
        "metric.nll.atol = 0                | metric.nll.atol       | expected a positive number",
    })
    void badNllOptionsNameTheKeyAndWhatWasExpected(String override, String key, String expected) {
        assertThatThrownBy(() -> nll(ConfigFactory.parseString(override).withFallback(nllDefaults())))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining(key + " = ")
                .hasMessageContaining(expected);
    }
}
