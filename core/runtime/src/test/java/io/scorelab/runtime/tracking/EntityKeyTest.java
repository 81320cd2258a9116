package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntityKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {"lr", "train/loss", "trainer.lr", "a b", "x-y_z", "a..b", "a/b.c/d", "é", "scorelab.plugin.gmm-2d.version"})
    void acceptsMlflowKeys(String key) {
        assertThat(EntityKey.of("metric", key).name()).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a", "a/", "a//b", "./a", "a/./b", "a/../b", "..", "..a", ".", "a:b", "a\\b", "a\nb", "a*", "$x"})
    void rejectsOtherKeysNamingThem(String key) {
        assertThatThrownBy(() -> EntityKey.of("param", key))
                .isInstanceOf(ScorelabException.class)
                .hasMessageContaining("invalid param key '" + key + "'");
    }

    @Test
    void rejectsEmptyAndTooLongKeys() {
        assertThatThrownBy(() -> EntityKey.of("tag", "")).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("tag key is missing");
        assertThatThrownBy(() -> EntityKey.of("tag", null)).isInstanceOf(ScorelabException.class);
        String longKey = "k".repeat(EntityKey.MAX_LENGTH + 1);
        assertThatThrownBy(() -> EntityKey.of("tag", longKey)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining(longKey).hasMessageContaining("250");
        assertThat(EntityKey.of("tag", "k".repeat(EntityKey.MAX_LENGTH)).name()).hasSize(EntityKey.MAX_LENGTH);
    }

    @Test
    void slashesMakeSubdirectories() {
        assertThat(EntityKey.of("metric", "train/loss").resolveIn(Path.of("m")))
                .isEqualTo(Path.of("m", "train", "loss"));
    }
}
