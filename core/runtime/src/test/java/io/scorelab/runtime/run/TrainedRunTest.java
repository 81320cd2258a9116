package io.scorelab.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.config.SavedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainedRunTest {

    @TempDir
    Path dir;

    @Test
    void theFinalCheckpointWinsElseTheHighestStep() throws Exception {
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        for (String name : List.of("step-900", "step-10000", "step-2000")) {
            Files.createDirectories(checkpoints.resolve(name));
        }
        assertThat(TrainedRun.lastCheckpoint(dir)).isEqualTo(checkpoints.resolve("step-10000")); // numeric, not by name
        Files.createDirectories(checkpoints.resolve("final"));
        assertThat(TrainedRun.lastCheckpoint(dir)).isEqualTo(checkpoints.resolve("final"));
    }

    @Test
    void aRunWithoutCheckpointsIsAUserError() {
        assertThatThrownBy(() -> TrainedRun.lastCheckpoint(dir))
                .isInstanceOf(ScorelabException.class).hasMessageContaining("has no checkpoint");
    }

    @Test
    void aSavedConfigBecomesAnExperimentWhoseRechosenGroupsStartAfresh() throws Exception {
        Path saved = dir.resolve("config.conf");
        Files.writeString(saved, """
                dataset { name = gmm, modes = 8 }
                schedule { name = ve, sigma_max = 10 }
                architecture { name = mlp, width = 64 }
                loss { name = ncsn }
                sampler { name = annealed_langevin, steps_per_level = 100 }
                eval.metrics = [mmd, fisher]
                metric { mmd { bootstrap = 20 }, fisher { samples = 100 } }
                """);
        Config experiment = ConfigFactory.parseString(
                SavedConfig.asExperiment(saved, List.of("sampler=ode", "eval.metrics=[fisher]")));
        // the saved choice stays in defaults; the override itself chooses ode when the experiment is composed
        assertThat(experiment.getString("defaults.sampler")).isEqualTo("annealed_langevin");
        assertThat(experiment.getString("defaults.dataset")).isEqualTo("gmm");
        assertThat(experiment.hasPath("sampler")).isFalse(); // annealed_langevin's keys do not leak into ode
        assertThat(experiment.getInt("architecture.width")).isEqualTo(64);
        assertThat(experiment.hasPath("metric.mmd")).isFalse();
        assertThat(experiment.getInt("metric.fisher.samples")).isEqualTo(100);
    }
}
