package io.scorelab.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ComponentKind;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.plugin.PluginRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigComposerTest {

    private static final String DEFAULTS = """
            defaults {
              dataset = points
              schedule = geometric
              architecture = mlp
              loss = l2
              sampler = annealed_langevin
            }
            """;

    private static ConfigComposer composer;

    @TempDir
    Path dir;

    @BeforeAll
    static void discover() {
        composer = new ConfigComposer(PluginRegistry.discover(List.of()));
    }

    private Path experiment(String body) throws IOException {
        Path file = dir.resolve("exp.conf");
        Files.writeString(file, DEFAULTS + body);
        return file;
    }

    @Test
    void layersComposeInOrder() throws IOException {
        ResolvedConfig config = composer.compose(
                experiment("experiment.name = t\nloss.weight = 2.0\ntrainer.steps = 7\n"), List.of("trainer.steps=9"));
        assertThat(config.config().getString("experiment.name")).isEqualTo("t");
        assertThat(config.config().getDouble("loss.weight")).isEqualTo(2.0); // experiment over group file
        assertThat(config.config().getString("loss.reduce")).isEqualTo("mean"); // from the group file
        assertThat(config.config().getInt("trainer.steps")).isEqualTo(9); // command line over experiment
        assertThat(config.config().getInt("trainer.batch_size")).isEqualTo(256); // runtime default
        assertThat(config.config().getString("loss.name")).isEqualTo("l2");
        assertThat(config.choices()).containsEntry(ComponentKind.LOSS, "l2");
    }

    @Test
    void choosingAnotherOptionReplacesTheGroupFile() throws IOException {
        ResolvedConfig config = composer.compose(experiment(""), List.of("loss=l1"));
        assertThat(config.config().getDouble("loss.weight")).isEqualTo(0.5);
        assertThat(config.config().hasPath("loss.reduce")).isFalse(); // l2's key does not leak into l1
        assertThat(config.config().getString("loss.name")).isEqualTo("l1");
    }

    @Test
    void substitutionsResolveAfterOverrides() throws IOException {
        ResolvedConfig config = composer.compose(
                experiment("eval.every = ${trainer.steps}\n"), List.of("trainer.steps=40"));
        assertThat(config.config().getInt("eval.every")).isEqualTo(40);
    }

    @Test
    void metricsBringTheirOptions() throws IOException {
        ResolvedConfig config = composer.compose(
                experiment("eval.metrics = [mean]\nmetric.mean.digits = 5\n"), List.of());
        assertThat(config.metrics()).containsExactly("mean");
        assertThat(config.config().getInt("metric.mean.digits")).isEqualTo(5);
    }

    @Test
    void addSetOrAddAndDelete() throws IOException {
        ResolvedConfig config = composer.compose(experiment(""),
                List.of("+trainer.extra=1", "++trainer.more=\"a b\"", "++trainer.steps=3", "~loss.reduce"));
        assertThat(config.config().getInt("trainer.extra")).isEqualTo(1);
        assertThat(config.config().getString("trainer.more")).isEqualTo("a b");
        assertThat(config.config().getInt("trainer.steps")).isEqualTo(3);
        assertThat(config.config().hasPath("loss.reduce")).isFalse();
    }

    @Test
    void unknownKeyInTheFileNamesFileLineAndSuggests() throws IOException {
        Path file = experiment("trainer.stepz = 3\n");
        assertThatThrownBy(() -> composer.compose(file, List.of()))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("exp.conf:8")
                .hasMessageContaining("unknown key trainer.stepz")
                .hasMessageContaining("did you mean trainer.steps");
    }

    @Test
    void unknownKeyOnTheCommandLineSuggests() throws IOException {
        Path file = experiment("");
        assertThatThrownBy(() -> composer.compose(file, List.of("trainer.lrr=1")))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("no key trainer.lrr")
                .hasMessageContaining("trainer.lr");
    }

    @Test
    void unknownOptionListsTheAvailableOnes() throws IOException {
        Path file = experiment("");
        assertThatThrownBy(() -> composer.compose(file, List.of("loss=l3")))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("loss=l3: no loss named 'l3'; available:")
                .hasMessageContaining("l1, l2");
    }

    @Test
    void missingAndUnparsableFilesAreUserErrors() throws IOException {
        assertThatThrownBy(() -> composer.compose(dir.resolve("nope.conf"), List.of()))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("does not exist");
        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "defaults {\n  dataset = points\n trainer { steps = \n");
        assertThatThrownBy(() -> composer.compose(broken, List.of()))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("broken.conf");
    }

    @Test
    void addingAnExistingKeyOrDeletingAMissingOneFails() throws IOException {
        Path file = experiment("");
        assertThatThrownBy(() -> composer.compose(file, List.of("+trainer.steps=1")))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> composer.compose(file, List.of("~trainer.nothing")))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("no key trainer.nothing");
    }

    @Test
    void malformedOverridesNameThePosition() {
        assertThatThrownBy(() -> Override.parse("trainer.=1"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("position 8");
        assertThatThrownBy(() -> Override.parse("=3"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("expected a key");
        assertThatThrownBy(() -> Override.parse("loss==dsm"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("malformed override 'loss==dsm'");
        assertThatThrownBy(() -> Override.parse("eval.metrics=[mmd"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("not a HOCON value");
    }

    @Test
    void flattenGivesEveryLeafAsAParam() throws IOException {
        ResolvedConfig config = composer.compose(experiment(""), List.of());
        assertThat(config.flatten())
                .containsEntry("loss.name", "l2")
                .containsEntry("trainer.steps", "1000")
                .containsEntry("plugins.dirs", "[]");
    }
}
