package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    private Spool spool() {
        return Spool.create(dir.resolve(Spool.DIRECTORY), new Spool.Header("http://127.0.0.1:1", "exp", "run", 7,
                Map.of("a", "b"), "0123456789abcdef0123456789abcdef", null, null, null), false);
    }

    private static SpoolEntry.Batch metric(int step) {
        return new SpoolEntry.Batch(List.of(new SpoolEntry.Metric("m", step, step, step)), List.of(), List.of());
    }

    @Test
    void whatWasNotAcknowledgedIsThereAfterReopeningInOrder() {
        Spool spool = spool();
        spool.append(List.of(metric(0), metric(1), metric(2)));
        spool.acknowledge(1);
        spool.append(List.of(metric(3)));

        Spool reopened = Spool.open(dir.resolve(Spool.DIRECTORY));
        assertThat(reopened.pendingEntries()).containsExactly(metric(1), metric(2), metric(3));
        assertThat(reopened.header().tags()).isEqualTo(Map.of("a", "b"));
        assertThat(reopened.header().runId()).isNull();
    }

    @Test
    void aTornLastLineIsNotARequest() throws Exception {
        Spool spool = spool();
        spool.append(List.of(metric(0)));
        Files.writeString(dir.resolve(Spool.DIRECTORY).resolve("journal.jsonl"), "{\"type\":\"batch\",\"ent",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThat(Spool.open(dir.resolve(Spool.DIRECTORY)).pendingEntries()).containsExactly(metric(0));
    }

    @Test
    void stagedFilesGoOnceUploadedAndRefusedRequestsAreKeptAside() throws Exception {
        Spool spool = spool();
        Path file = Files.writeString(dir.resolve("plot.png"), "png");
        String staged = spool.stage(file);
        Files.writeString(file, "changed later");
        spool.append(List.of(new SpoolEntry.Artifact(staged, "plot.png"), metric(1)));
        assertThat(spool.stagedFile(staged)).hasContent("png");

        spool.acknowledge(1);
        assertThat(spool.stagedFile(staged)).doesNotExist();
        assertThat(spool.hasRejected()).isFalse();
        spool.reject();
        assertThat(spool.pending()).isZero();
        assertThat(spool.hasRejected()).isTrue();
        assertThat(Files.readString(dir.resolve(Spool.DIRECTORY).resolve("rejected.jsonl")))
                .isEqualTo(metric(1).toJson() + "\n");
    }

    @Test
    void aSecondSpoolInTheSameDirectoryIsRefused() {
        spool();
        assertThatThrownBy(this::spool).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("scorelab tracking sync");
    }
}
