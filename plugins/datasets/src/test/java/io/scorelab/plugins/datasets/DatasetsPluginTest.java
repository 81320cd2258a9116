package io.scorelab.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Guice;
import com.google.inject.Provider;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.scorelab.api.ComponentKind;
import io.scorelab.api.Dataset;
import io.scorelab.api.Options;
import io.scorelab.api.Plugin;
import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatasetsPluginTest {

    @TempDir
    Path dir;

    /** The config-group file under {@code dataset}, as the runtime composes it. */
    private static Config defaults(String name) {
        return ConfigFactory.parseResources("scorelab/conf/dataset/" + name + ".conf").atPath("dataset");
    }

    private static Dataset create(String name, Config config) {
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
            return datasets.get(name).get();
        } catch (ProvisionException e) {
            // The runtime's ComponentFactory unwraps the user error the same way.
            throw (RuntimeException) e.getCause();
        }
    }

    private static Dataset create(String name, String overrides) {
        return create(name, ConfigFactory.parseString(overrides).withFallback(defaults(name)));
    }

    @Test
    void theServiceFileAndTheConfigFileMakeTheQuickstartMixture() {
        Dataset gmm = create("gmm", defaults("gmm"));
        assertThat(gmm).isInstanceOf(GaussianMixtureDataset.class);
        assertThat(gmm.modes().orElseThrow().count()).isEqualTo(8);
        assertThat(gmm.modes().orElseThrow().means()[2][1]).isCloseTo(4.0, within(1e-12));
        assertThat(gmm.modes().orElseThrow().weights()).containsOnly(0.125);
    }

    @Test
    void anOverrideChangesTheMixture() {
        Dataset gmm = create("gmm", "dataset.modes = 4, dataset.weights = [1, 1, 1, 5]");
        assertThat(gmm.modes().orElseThrow().weights()).containsExactly(new double[] {0.125, 0.125, 0.125, 0.625},
                within(1e-15));
    }

    @ParameterizedTest
    @CsvSource({
        "gaussian,     GaussianDataset,     2",
        "checkerboard, CheckerboardDataset, 2",
        "rings,        RingsDataset,        2",
        "moons,        MoonsDataset,        2",
        "swissroll,    SwissRollDataset,    2",
        "digits,       DigitsDataset,       1 8 8",
    })
    void everyConfigFileMakesItsDataSet(String name, String type, String exampleShape) {
        Dataset dataset = create(name, defaults(name));
        assertThat(dataset.getClass().getSimpleName()).isEqualTo(type);
        long[] dimensions = Arrays.stream(exampleShape.split(" ")).mapToLong(Long::parseLong).toArray();
        assertThat(dataset.exampleShape()).isEqualTo(new Shape(dimensions));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = dataset.sample(manager, 4);
            assertThat(x.getShape()).isEqualTo(new Shape(4).addAll(dataset.exampleShape()));
        }
    }

    @Test
    void theGaussianDefaultsAreStandardAndStayValidForAnyDimension() {
        GaussianDataset standard = (GaussianDataset) create("gaussian", defaults("gaussian"));
        assertThat(standard.mean()).containsExactly(0, 0);
        assertThat(standard.covariance()).isDeepEqualTo(new double[][] {{1, 0}, {0, 1}});
        GaussianDataset five = (GaussianDataset) create("gaussian", "dataset.dim = 5");
        assertThat(five.exampleShape()).isEqualTo(new Shape(5));
        assertThat(five.covariance()[4][4]).isEqualTo(1.0);
    }

    @Test
    void theGaussianReadsEveryFormOfMeanAndCovariance() {
        GaussianDataset broadcast = (GaussianDataset) create("gaussian", "dataset { dim = 3, mean = 2, cov = 0.5 }");
        assertThat(broadcast.mean()).containsExactly(2, 2, 2);
        assertThat(broadcast.covariance()[1]).containsExactly(0, 0.5, 0);
        GaussianDataset diagonal = (GaussianDataset) create("gaussian", "dataset { mean = [1, -1], cov = [1.0, 0.25] }");
        assertThat(diagonal.mean()).containsExactly(1, -1);
        assertThat(diagonal.covariance()).isDeepEqualTo(new double[][] {{1, 0}, {0, 0.25}});
        GaussianDataset full = (GaussianDataset) create("gaussian", "dataset.cov = [[1.0, 0.6], [0.6, 0.5]]");
        assertThat(full.covariance()).isDeepEqualTo(new double[][] {{1, 0.6}, {0.6, 0.5}});
    }

    @Test
    void imageDataSetsReadTheirPathAndTransform() throws IOException {
        ByteBuffer idx = ByteBuffer.allocate(16 + 2 * 4).putInt(0x00000803).putInt(2).putInt(2).putInt(2);
        Path images = Files.write(dir.resolve("images.idx"), idx.array());
        Dataset mnist = create("idx", ConfigFactory.parseString("dataset { range = [0, 1], logit = true, dequantize = true }")
                .withFallback(ConfigFactory.empty().withValue("dataset.path", ConfigValueFactory.fromAnyRef(images.toString())))
                .withFallback(defaults("idx")));
        assertThat(mnist.exampleShape()).isEqualTo(new Shape(1, 2, 2));
        assertThat(mnist.images().orElseThrow().logit()).isTrue();
        assertThat(((PixelTransform) mnist.images().orElseThrow()).dequantize()).isTrue();
        Files.write(dir.resolve("data_batch_1.bin"), new byte[3073]);
        Dataset cifar = create("cifar10", ConfigFactory.empty().withValue("dataset.path", ConfigValueFactory.fromAnyRef(dir.toString()))
                .withFallback(defaults("cifar10")));
        assertThat(cifar.exampleShape()).isEqualTo(new Shape(3, 32, 32));
        assertThat(cifar.images().orElseThrow().rangeWidth()).isEqualTo(2.0);
        assertThat(((Cifar10Dataset) cifar).size()).isEqualTo(1);
    }

    @Test
    void aMissingPathNamesTheKeyAndThePath() {
        for (String name : new String[] {"idx", "cifar10"}) {
            assertThatThrownBy(() -> create(name, "dataset.path = \"/no/such/mnist\""))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("dataset.path = \"/no/such/mnist\"")
                    .hasMessageContaining("there is nothing at /no/such/mnist");
            assertThatThrownBy(() -> create(name, defaults(name)))
                    .isInstanceOf(ScorelabException.class)
                    .hasMessageContaining("missing key dataset.path");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "gmm          | dataset.modes = 0                    | dataset.modes   | expected a positive integer",
        "gmm          | dataset.modes = many                 | dataset.modes   | expected an integer",
        "gmm          | dataset.radius = 0                   | dataset.radius  | expected a positive number",
        "gmm          | dataset.std = -0.1                   | dataset.std     | expected a positive number",
        "gmm          | dataset.weights = [1, 2]             | dataset.weights | expected [] (uniform) or a list of 8 numbers, one per mode",
        "gmm          | dataset.weights = [1,1,1,1,1,1,1,0]  | dataset.weights | expected positive, finite numbers",
        "gmm          | dataset.weights = 3                  | dataset.weights | expected a list of numbers",
        "gaussian     | dataset.dim = 0                      | dataset.dim     | expected a positive integer",
        "gaussian     | dataset.mean = [1, 2, 3]             | dataset.mean    | expected a number or a list of 2 numbers (dim = 2)",
        "gaussian     | dataset.cov = 0                      | dataset.cov     | expected a positive number (isotropic variance), a list of 2",
        "gaussian     | dataset.cov = [1, 2, 3]              | dataset.cov     | a list of 2 positive numbers (the diagonal)",
        "gaussian     | dataset.cov = [1, -2]                | dataset.cov     | a list of 2 positive numbers (the diagonal)",
        "gaussian     | dataset.cov = [[1, 0], [0]]          | dataset.cov     | or 2 lists of 2 numbers (a symmetric positive definite matrix)",
        "gaussian     | dataset.cov = [[1, 0], 1]            | dataset.cov     | for dim = 2",
        "gaussian     | dataset.cov = full                   | dataset.cov     | for dim = 2",
        "gaussian     | dataset.cov = [[1, 2], [2, 1]]       | dataset.cov     | expected a covariance matrix, but it is not positive definite: its smallest eigenvalue is -1.0",
        "gaussian     | dataset.cov = [[1, 0.5], [0.4, 1]]   | dataset.cov     | but it is not symmetric: cov[0][1] = 0.5 but cov[1][0] = 0.4",
        "checkerboard | dataset.squares = 5                  | dataset.squares | expected an even number >= 2",
        "checkerboard | dataset.half_width = -4              | dataset.half_width | expected a positive number",
        "rings        | dataset.noise = -0.1                 | dataset.noise   | expected a number >= 0",
        "moons        | dataset.scale = 0                    | dataset.scale   | expected a positive number",
        "swissroll    | dataset.noise = lots                 | dataset.noise   | expected a number",
        "digits       | dataset.range = [1, -1]              | dataset.range   | expected [lo, hi] with lo < hi",
        "digits       | dataset.range = [0, 1, 2]            | dataset.range   | expected [lo, hi] with lo < hi",
        "digits       | dataset.logit = true                 | dataset.logit   | expected false unless range = [0, 1]",
        "digits       | dataset.dequantize = maybe           | dataset.dequantize | expected a boolean",
        "digits       | dataset.limit = 0                    | dataset.limit   | expected a positive integer",
    })
    void badOptionsNameTheKeyAndWhatWasExpected(String name, String override, String key, String expected) {
        assertThatThrownBy(() -> create(name, override))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining(key + " = ")
                .hasMessageContaining(expected);
    }
}
