package io.scorelab.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Guice;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.Autograd;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Dataset;
import io.scorelab.api.Loss;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScorelabException;
import io.scorelab.autograd.PtAutograd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LossesPluginTest {

    private static final Dataset GAUSSIAN = new GaussianData(1.0, new Shape(2));

    /** A data set without an exact density. */
    private static final Dataset MOONS = new Dataset() {
        @Override
        public Shape exampleShape() {
            return new Shape(2);
        }

        @Override
        public NDArray sample(NDManager manager, int n) {
            return manager.zeros(new Shape(n, 2));
        }
    };

    @Test
    void isFoundByTheServiceLoader() {
        assertThat(ServiceLoader.load(Plugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(LossesPlugin.class);
    }

    /** Each group file holds exactly the options its loss reads, and Guice builds the loss from it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dsm  | DsmLoss  | sigma",
        "esm  | EsmLoss  | sigma",
        "ism  | IsmLoss  | sigma",
        "ssm  | SsmLoss  | sigma, projections, distribution, variance_reduction",
        "ssm_vr | SsmLoss | sigma, projections, distribution, variance_reduction",
        "ncsn | NcsnLoss | ",
        "sde  | SdeLoss  | weighting, reduce",
        "ddpm | DdpmLoss | ",
        "edm  | EdmLoss  | p_mean, p_std, sigma_data"})
    void guiceBuildsEachLossFromItsConfigGroupFile(String name, String type, String keys) {
        Config file = groupFile(name);
        String[] expected = keys == null ? new String[0] : keys.split(",\\s*");
        assertThat(file.entrySet()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(expected);

        Loss loss = losses(file.atKey("loss"), GAUSSIAN).get(name).get();

        assertThat(loss.getClass().getSimpleName()).isEqualTo(type);
    }

    @Test
    void aNonPositiveSigmaIsReportedWithFileAndLine(@TempDir Path directory) throws IOException {
        Path experiment = directory.resolve("experiment.conf");
        Files.writeString(experiment, "loss {\n  sigma = -0.5\n}\n");
        Config config = ConfigFactory.parseFile(experiment.toFile()).withFallback(groupFile("dsm").atKey("loss"));

        assertThatThrownBy(() -> losses(config, GAUSSIAN).get("dsm").get())
                .isInstanceOf(ProvisionException.class)
                .cause()
                .isInstanceOf(ScorelabException.class)
                .hasMessage(experiment + ":2: loss.sigma = -0.5: expected a positive number");
    }

    @Test
    void anUnknownProbeDistributionListsTheChoices() {
        Config config = ConfigFactory.parseString("distribution = uniform").withFallback(groupFile("ssm")).atKey("loss");

        assertThatThrownBy(() -> losses(config, GAUSSIAN).get("ssm").get())
                .cause()
                .isInstanceOf(ScorelabException.class)
                .hasMessageEndingWith("loss.distribution = \"uniform\": expected one of rademacher, gaussian, sphere");
    }

    @Test
    void esmRefusesADataSetWithoutAnExactDensity() {
        assertThatThrownBy(() -> losses(groupFile("esm").atKey("loss"), MOONS).get("esm").get())
                .cause()
                .isInstanceOf(ScorelabException.class)
                .hasMessage("esm needs a data set with an exact density (gaussian, gmm); moons has none");
    }

    private static Config groupFile(String name) {
        return ConfigFactory.parseResources(ComponentKind.LOSS.confDirectory() + name + ".conf");
    }

    /** The bindings the runtime provides: the options, the engine's autograd and the run's data set. */
    private static Map<String, Provider<Loss>> losses(Config config, Dataset dataset) {
        Config datasetName = ConfigFactory.parseString("dataset.name = " + (dataset == MOONS ? "moons" : "gaussian"));
        return Guice.createInjector(new LossesPlugin(), binder -> {
                    binder.bind(Options.class).annotatedWith(Names.named("loss")).toInstance(Options.of(config, "loss"));
                    binder.bind(Options.class).annotatedWith(Names.named("dataset"))
                            .toInstance(Options.of(datasetName, "dataset"));
                    binder.bind(Autograd.class).to(PtAutograd.class);
                    binder.bind(Dataset.class).toInstance(dataset);
                })
                .getInstance(Plugin.<Loss>providersKey(ComponentKind.LOSS));
    }
}
