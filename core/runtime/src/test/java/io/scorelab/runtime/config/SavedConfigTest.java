package io.scorelab.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedConfigTest {

    @Test
    void keysARunAddedAreAddedAgainWhenItsConfigIsComposedAgain(@TempDir Path dir) throws Exception {
        Path saved = Files.writeString(dir.resolve("config.conf"), "dataset.name = gmm, schedule.name = ve,"
                + " architecture.name = mlp, loss.name = dsm, sampler.name = ode\n"
                + "extra { api_key = \"[redacted]\", n = 3 }\ntrainer.lr = 0.1\n");
        Path overrides = Files.writeString(dir.resolve("overrides.txt"),
                "+extra.api_key=x\n++extra.n=3\ntrainer.lr=0.1\n");
        assertThat(SavedConfig.addedKeys(saved, overrides))
                .containsExactly("++extra.api_key=\"[redacted]\"", "++extra.n=3");
        // the key an override adds again is left out of the experiment, which may hold only known keys
        assertThat(SavedConfig.asExperiment(saved, List.of("++extra.n=4"))).doesNotContain("n = 3")
                .doesNotContain("n=3");
    }

    @Test
    void aRunSavedBeforeDenoiseWasRenamedStillComposes(@TempDir Path dir) throws Exception {
        Path saved = Files.writeString(dir.resolve("config.conf"), "dataset.name = gmm, schedule.name = ve,"
                + " architecture.name = mlp, loss.name = dsm, sampler { name = ode, denoise = false }\n");
        String experiment = SavedConfig.asExperiment(saved, List.of());
        assertThat(experiment).contains("denoise_last").doesNotContain("denoise=").doesNotContain("denoise =");
    }
}
