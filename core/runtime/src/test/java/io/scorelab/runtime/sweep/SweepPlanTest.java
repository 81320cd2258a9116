package io.scorelab.runtime.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepPlanTest {

    @TempDir
    Path dir;

    private Path experiment(String body) throws IOException {
        Path file = dir.resolve("exp.conf");
        Files.writeString(file, body);
        return file;
    }

    @Test
    void theCartesianProductVariesTheLastKeyFastest() throws IOException {
        SweepPlan plan = SweepPlan.of(experiment(""), List.of("loss=dsm,ncsn", "seed=0,1,2", "trainer.steps=20"));
        assertThat(plan.jobs()).hasSize(6);
        assertThat(plan.jobs().get(0)).containsExactly("loss=dsm", "seed=0", "trainer.steps=20");
        assertThat(plan.jobs().get(1)).containsExactly("loss=dsm", "seed=1", "trainer.steps=20");
        assertThat(plan.jobs().get(5)).containsExactly("loss=ncsn", "seed=2", "trainer.steps=20");
        assertThat(plan.definition()).containsOnlyKeys("loss", "seed").containsEntry("loss", List.of("dsm", "ncsn"));
    }

    @Test
    void theSweepBlockComesFirstAndTheCommandLineReplacesItsKeys() throws IOException {
        Path file = experiment("""
                sweep {
                  loss = [dsm, ncsn]
                  seed = "range(0,3)"
                  trainer { lr = [1e-3, "3e-4"] }
                  experiment.name = "a,b"
                }
                """);
        SweepPlan fromFile = SweepPlan.of(file, List.of());
        assertThat(fromFile.jobs()).hasSize(2 * 3 * 2 * 2); // a string is read like a command line: "a,b" is 2 values
        assertThat(fromFile.jobs().get(0)).containsExactly("loss=dsm", "seed=0", "trainer.lr=0.001", "experiment.name=a");
        assertThat(fromFile.jobs().get(1)).containsExactly("loss=dsm", "seed=0", "trainer.lr=0.001", "experiment.name=b");
        assertThat(fromFile.jobs().get(2)).containsExactly("loss=dsm", "seed=0", "trainer.lr=\"3e-4\"", "experiment.name=a");

        SweepPlan replaced = SweepPlan.of(file, List.of("seed=7", "trainer.steps=20,40", "experiment.name=x"));
        assertThat(replaced.jobs()).hasSize(2 * 1 * 2 * 1 * 2);
        assertThat(replaced.jobs().get(0))
                .containsExactly("loss=dsm", "seed=7", "trainer.lr=0.001", "experiment.name=x", "trainer.steps=20");
    }

    @Test
    void noSweepIsOneJob() throws IOException {
        SweepPlan plan = SweepPlan.of(experiment(""), List.of("seed=3"));
        assertThat(plan.jobs()).containsExactly(List.of("seed=3"));
        assertThat(SweepPlan.of(experiment(""), List.of()).jobs()).containsExactly(List.of());
    }

    @Test
    void badSweepEntriesNameFileAndLine() throws IOException {
        Path file = experiment("sweep {\n  seed = \"range(0,x)\"\n}\n");
        assertThatThrownBy(() -> SweepPlan.of(file, List.of()))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("exp.conf:2: sweep.seed = \"range(0,x)\": expected a list of values")
                .hasMessageContaining("range arguments are numbers");
        assertThatThrownBy(() -> SweepPlan.of(experiment("sweep = 3\n"), List.of()))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("sweep must be an object");
        assertThatThrownBy(() -> SweepPlan.of(experiment(""), List.of("a=range(0,100)", "b=range(0,101)")))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("more than 10000 jobs");
    }
}
