package io.scorelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scorelab config}: the resolved config as HOCON and JSON, each value's origin, the groups. */
class ConfigCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsTheResolvedConfigAsHocon() {
        CliRun run = CliRun.of("config", CliRun.QUICKSTART.toString(), "loss=dsm", "trainer.steps=20");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Config printed = ConfigFactory.parseString(run.out());
        assertThat(printed.getString("loss.name")).isEqualTo("dsm");
        assertThat(printed.getDouble("loss.sigma")).isEqualTo(0.1);
        assertThat(printed.getInt("trainer.steps")).isEqualTo(20);
        assertThat(printed.getString("launcher.name")).isEqualTo("local");
        assertThat(printed.getStringList("eval.metrics")).containsExactly("mmd", "mode_coverage");
    }

    @Test
    void printsJson() {
        CliRun run = CliRun.of("config", "--json", CliRun.QUICKSTART.toString(), "seed=4");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Config printed = ConfigFactory.parseString(run.out(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
        assertThat(printed.getInt("seed")).isEqualTo(4);
        assertThat(printed.getString("dataset.name")).isEqualTo("gmm");
    }

    @Test
    void originSaysWhereEachValueCameFrom() {
        CliRun run = CliRun.of("config", "--origin", CliRun.QUICKSTART.toString(), "loss=dsm", "trainer.steps=20");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern("(?m)^trainer\\.steps = 20 +# command-line override 'trainer.steps=20'$")
                .containsPattern("(?m)^trainer\\.lr = 0\\.002 +# \\S*experiments/quickstart\\.conf:23$")
                .containsPattern("(?m)^loss\\.sigma = 0\\.1 +# scorelab/conf/loss/dsm\\.conf:2 in scorelab-losses\\S*\\.jar$")
                .containsPattern("(?m)^loss\\.name = \"dsm\" +# option of loss chosen by override 'loss=dsm'$")
                .containsPattern("(?m)^trainer\\.beta1 = 0\\.9 +# scorelab/conf/defaults\\.conf:\\d+ in \\S+$")
                .containsPattern("(?m)^launcher\\.name = \"local\" +# option of launcher chosen by default$");
    }

    @Test
    void groupsListsEveryOptionWithItsPlugin() throws IOException {
        CliRun run = CliRun.of("config", "--groups");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("GROUP", "OPTION", "PLUGIN")
                .containsPattern("loss\\s+dsm\\s+scorelab-losses \\S+\\s+scorelab-losses\\S*\\.jar")
                .containsPattern("loss\\s+nan_after\\s+failing-loss test\\s+\\S*test-classes")
                .containsPattern("launcher\\s+local\\s+scorelab-launchers")
                .containsPattern("launcher\\s+parallel\\s+scorelab-launchers")
                .containsPattern("metric\\s+mmd\\s+scorelab-metrics");

        // a project's conf/ directory next to the experiment file shows as where the option's config comes from
        Path experiment = dir.resolve("exp.conf");
        Files.writeString(experiment, "include \"" + CliRun.QUICKSTART.toAbsolutePath() + "\"\n");
        Files.createDirectories(dir.resolve("conf/loss"));
        Files.writeString(dir.resolve("conf/loss/dsm.conf"), "sigma = 0.3\n");
        CliRun project = CliRun.of("config", "--groups", experiment.toString());
        assertThat(project.out()).containsPattern("loss\\s+dsm\\s+scorelab-losses \\S+\\s+\\S+\\.jar \\(config \\S+conf/loss/dsm\\.conf\\)");
        assertThat(CliRun.of("config", experiment.toString(), "loss=dsm").out()).containsPattern("sigma\\s*=\\s*0\\.3");

        // nested groups: the project's mlp file chooses architecture.block, whose options are project files too
        Files.createDirectories(dir.resolve("conf/architecture/block"));
        Files.writeString(dir.resolve("conf/architecture/mlp.conf"), "defaults { block = wide }\nwidth = 16\n");
        Files.writeString(dir.resolve("conf/architecture/block/wide.conf"), "units = 64\n");
        Files.writeString(dir.resolve("conf/architecture/block/narrow.conf"), "units = 8\n");
        CliRun nested = CliRun.of("config", "--groups", experiment.toString());
        assertThat(nested.out())
                .containsPattern("architecture\\.block\\s+narrow\\s+\\(config only\\)\\s+\\S+conf/architecture/block/narrow\\.conf")
                .containsPattern("architecture\\.block\\s+wide\\s+\\(config only\\)");
        CliRun origin = CliRun.of("config", "--origin", experiment.toString(), "architecture/block=narrow");
        assertThat(origin.out())
                .containsPattern("(?m)^architecture\\.block\\.name = \"narrow\" +# option of architecture\\.block chosen by override 'architecture/block=narrow'$")
                .containsPattern("(?m)^architecture\\.block\\.units = 8 +# \\S+conf/architecture/block/narrow\\.conf:1$");
    }

    @Test
    void mistakesAreUserErrors() {
        CliRun none = CliRun.of("config");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("give an experiment file");
        CliRun typo = CliRun.of("config", CliRun.QUICKSTART.toString(), "trainer.stepz=3");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("no key trainer.stepz; did you mean trainer.steps");
        CliRun both = CliRun.of("config", "--json", "--origin", CliRun.QUICKSTART.toString());
        assertThat(both.exitCode()).isEqualTo(2);
    }
}
