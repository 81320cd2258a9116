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
        assertThat(composer.compose(experiment(""), List.of("loss=l1", "loss=l2")).config().getString("loss.name"))
                .isEqualTo("l2"); // the last choice wins
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
        ResolvedConfig fromCommandLine = composer.compose(experiment(""), List.of("eval.metrics=[mean]", "metric.mean.digits=7"));
        assertThat(fromCommandLine.config().getInt("metric.mean.digits")).isEqualTo(7);
        Path file = experiment("");
        assertThatThrownBy(() -> composer.compose(file, List.of("eval.metrics=[mean]", "metric.mean.digitz=7")))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("did you mean metric.mean.digits");
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
                .isInstanceOf(ScorelabException.class).hasMessageContaining("column 9");
        assertThatThrownBy(() -> Override.parse("=3"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("expected a key");
        assertThatThrownBy(() -> Override.parse("loss==dsm"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("malformed override 'loss==dsm'");
        assertThatThrownBy(() -> Override.parse("eval.metrics=[mmd"))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("column 14: unclosed '['");
    }

    @Test
    void flattenGivesEveryLeafAsAParam() throws IOException {
        ResolvedConfig config = composer.compose(experiment(""), List.of());
        assertThat(config.flatten())
                .containsEntry("loss.name", "l2")
                .containsEntry("trainer.steps", "1000")
                .containsEntry("plugins.dirs", "[]");
    }

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aProjectGroupFileWinsOverThePluginsWhole() throws IOException {
        write("conf/loss/l2.conf", "weight = 7.0\n");
        ResolvedConfig config = composer.compose(experiment(""), List.of());
        assertThat(config.config().getDouble("loss.weight")).isEqualTo(7.0);
        assertThat(config.config().hasPath("loss.reduce")).isFalse(); // the jar's file is not merged in
        assertThat(config.config().getValue("loss.weight").origin().filename()).endsWith("conf/loss/l2.conf");
    }

    @Test
    void includesAreRelativeToTheExperimentFile() throws IOException {
        write("parts/trainer.conf", "trainer.steps = 11\n");
        write("parts/base.conf", "include \"trainer.conf\"\nexperiment.name = base\n");
        Path file = write("exp/nested.conf", DEFAULTS + "include \"../parts/base.conf\"\ntrainer.lr = 0.5\n");
        ResolvedConfig config = composer.compose(file, List.of());
        assertThat(config.config().getInt("trainer.steps")).isEqualTo(11);
        assertThat(config.config().getString("experiment.name")).isEqualTo("base");
        assertThat(config.config().getDouble("trainer.lr")).isEqualTo(0.5);
    }

    @Test
    void substitutionsAndEnvironmentResolveAfterComposition() throws IOException {
        Path file = experiment("""
                trainer.steps = 5
                eval.every = ${trainer.steps}
                trainer.log_every = ${trainer.steps}
                experiment.name = fallback
                experiment.name = ${?SCORELAB_TEST_SURELY_UNSET}
                output.dir = ${?PATH}
                trainer.lr = ${?SCORELAB_TEST_SURELY_UNSET}
                """);
        ResolvedConfig config = composer.compose(file, List.of("trainer.steps=40"));
        assertThat(config.config().getInt("eval.every")).isEqualTo(40); // every reference follows the override
        assertThat(config.config().getInt("trainer.log_every")).isEqualTo(40);
        assertThat(config.config().getString("experiment.name")).isEqualTo("fallback"); // ${?X} unset keeps the value
        assertThat(config.config().getString("output.dir")).isEqualTo(System.getenv("PATH"));
        assertThat(config.config().getDouble("trainer.lr")).isEqualTo(1e-3); // unset: the runtime default stays
        assertThat(composer.compose(file, List.of("trainer.lr=${trainer.warmup}")).config().getInt("trainer.lr"))
                .isEqualTo(100); // an override may refer to another key
    }

    @Test
    void aGroupFileChoosesItsNestedGroups() throws IOException {
        // the project's mlp file chooses architecture.block = resnet, a file of the test classpath
        write("conf/architecture/mlp.conf", "defaults { block = resnet }\nwidth = 8\nblock.depth = 3\n");
        ResolvedConfig config = composer.compose(experiment(""), List.of());
        assertThat(config.config().getString("architecture.name")).isEqualTo("mlp");
        assertThat(config.config().getString("architecture.block.name")).isEqualTo("resnet");
        assertThat(config.config().getInt("architecture.block.depth")).isEqualTo(3); // the parent file wins
        assertThat(config.config().getBoolean("architecture.block.skip")).isTrue();
        assertThat(config.config().hasPath("architecture.defaults")).isFalse();

        for (List<String> choice : List.of(List.of("architecture/block=plain"), List.of("architecture.block=plain"))) {
            ResolvedConfig plain = composer.compose(experiment(""), choice);
            assertThat(plain.config().getString("architecture.block.name")).isEqualTo("plain");
            assertThat(plain.config().hasPath("architecture.block.skip")).isFalse(); // resnet's key does not leak
        }
        Path chosenInFile = experiment("").resolveSibling("nested.conf");
        Files.writeString(chosenInFile, DEFAULTS.replace("}", "  architecture/block = plain\n}") + "architecture.block.depth = 4\n");
        ResolvedConfig fromFile = composer.compose(chosenInFile, List.of());
        assertThat(fromFile.config().getString("architecture.block.name")).isEqualTo("plain");
        assertThat(fromFile.config().getInt("architecture.block.depth")).isEqualTo(4);

        assertThatThrownBy(() -> composer.compose(experiment(""), List.of("architecture/block=dense")))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("architecture.block=dense: no option 'dense' of the config group architecture.block;"
                        + " available: plain, resnet");
    }

    @Test
    void theLauncherGroupHasADefault() throws IOException {
        ResolvedConfig local = composer.compose(experiment(""), List.of());
        assertThat(local.config().getString("launcher.name")).isEqualTo("local");
        assertThat(local.config().getBoolean("launcher.fail_fast")).isFalse();
        ResolvedConfig parallel = composer.compose(experiment(""), List.of("launcher=parallel", "launcher.workers=3"));
        assertThat(parallel.config().getInt("launcher.workers")).isEqualTo(3);
        assertThat(parallel.choices()).containsEntry(ComponentKind.LAUNCHER, "parallel");
    }

    @Test
    void aCheckedDeletionComparesTheValue() throws IOException {
        Path file = experiment("");
        assertThatThrownBy(() -> composer.compose(file, List.of("~loss.reduce=sum")))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("override '~loss.reduce=sum': loss.reduce is \"mean\", not \"sum\"");
        assertThat(composer.compose(file, List.of("~loss.reduce=mean")).config().hasPath("loss.reduce")).isFalse();
    }

    @Test
    void groupAndObjectMistakesAreExplained() throws IOException {
        Path file = experiment("");
        assertThatThrownBy(() -> composer.compose(file, List.of("los=l1")))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("no key los; did you mean loss?");
        assertThatThrownBy(() -> composer.compose(file, List.of("trainer=5")))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("trainer holds the keys");
        assertThatThrownBy(() -> composer.compose(file, List.of("~loss")))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("loss is a config group");
        Path typo = write("typo.conf", DEFAULTS.replace("}", "  lossy = l2\n}"));
        assertThatThrownBy(() -> composer.compose(typo, List.of()))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("typo.conf:7: defaults.lossy: no config group 'lossy'; did you mean loss?");
    }

    @Test
    void theSweepBlockIsNotPartOfTheConfig() throws IOException {
        ResolvedConfig config = composer.compose(experiment("sweep { seed = [0, 1] }\n"), List.of());
        assertThat(config.config().hasPath("sweep")).isFalse();
    }

    @Test
    void pluginDirectoriesComeFromTheFileOrTheCommandLine() throws IOException {
        Path file = experiment("plugins.dirs = [jars]\n");
        assertThat(ConfigComposer.pluginDirectories(file, List.of())).containsExactly(dir.resolve("jars"));
        assertThat(ConfigComposer.pluginDirectories(file, List.of("plugins.dirs=[/opt/p]"))).containsExactly(Path.of("/opt/p"));
    }

    /**
     * Overrides that parse but make no sense together (cycles, wrong types, keys through values)
     * fail composition with the project's error only; seeded, so a failure is reproducible.
     */
    @Test
    void fuzzedOverrideCombinationsRaiseOnlyScorelabExceptions() throws IOException {
        Path file = experiment("eval.every = ${trainer.steps}\n");
        List<String> keys = List.of("trainer.steps", "trainer", "loss", "loss.weight", "eval.metrics", "metric.mean.digits",
                "trainer.steps.x", "eval", "eval.every", "dataset", "architecture.block", "launcher", "launcher.workers", "seed", "new.key");
        List<String> values = List.of("1", "-1", "l1", "l2", "[mean]", "[nope]", "${trainer.steps}", "${trainer}",
                "${eval.every}", "${?NOPE}", "{a = 1}", "null", "\"x\"", "[]", "parallel", "resnet", "true");
        List<String> prefixes = List.of("", "", "+", "++", "~");
        java.util.Random random = new java.util.Random(7L);
        for (int i = 0; i < 400; i++) {
            List<String> overrides = new java.util.ArrayList<>();
            for (int j = random.nextInt(4); j >= 0; j--) {
                String prefix = prefixes.get(random.nextInt(prefixes.size()));
                String key = keys.get(random.nextInt(keys.size()));
                overrides.add(prefix + key + (prefix.equals("~") && random.nextBoolean() ? ""
                        : "=" + values.get(random.nextInt(values.size()))));
            }
            try {
                composer.compose(file, overrides);
            } catch (ScorelabException e) {
                assertThat(e.getMessage()).as(overrides.toString()).isNotBlank();
            } catch (RuntimeException e) {
                throw new AssertionError("composing with " + overrides + " threw " + e, e);
            }
        }
    }
}
