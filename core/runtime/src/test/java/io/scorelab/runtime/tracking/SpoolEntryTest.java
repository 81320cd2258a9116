package io.scorelab.runtime.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpoolEntryTest {

    private static List<SpoolEntry.Op> metrics(int n) {
        List<SpoolEntry.Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(new SpoolEntry.Metric("m", i, 1000 + i, i));
        }
        return ops;
    }

    private static List<Integer> sizes(List<SpoolEntry> entries) {
        return entries.stream().map(e -> ((SpoolEntry.Batch) e).size()).toList();
    }

    @Test
    void batchesStayWithinMlflowsLimits() {
        assertThat(sizes(SpoolEntry.group(metrics(2500)))).containsExactly(1000, 1000, 500);

        List<SpoolEntry.Op> params = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            params.add(new SpoolEntry.Param("p" + i, "v"));
        }
        assertThat(sizes(SpoolEntry.group(params))).containsExactly(100, 100, 50);

        // 950 metrics, then 100 tags: the 1000-entity limit cuts the batch after 50 tags
        List<SpoolEntry.Op> mixed = new ArrayList<>(metrics(950));
        for (int i = 0; i < 100; i++) {
            mixed.add(new SpoolEntry.Tag("t" + i, "v"));
        }
        List<SpoolEntry> entries = SpoolEntry.group(mixed);
        assertThat(sizes(entries)).containsExactly(1000, 50);
        assertThat(((SpoolEntry.Batch) entries.get(0)).tags()).hasSize(50);
    }

    @Test
    void aRepeatedTagKeyOrAnArtifactStartsANewRequestInOrder() {
        List<SpoolEntry.Op> ops = List.of(new SpoolEntry.Tag("a", "1"), new SpoolEntry.Metric("m", 1, 1, 1),
                new SpoolEntry.Tag("a", "2"), new SpoolEntry.Artifact("000000-x.png", "x.png"),
                new SpoolEntry.Metric("m", 2, 2, 2), new SpoolEntry.End(RunStatus.FINISHED, 5));
        List<SpoolEntry> entries = SpoolEntry.group(ops);
        assertThat(entries).hasSize(5);
        assertThat(((SpoolEntry.Batch) entries.get(0)).tags()).containsExactly(new SpoolEntry.Tag("a", "1"));
        assertThat(((SpoolEntry.Batch) entries.get(1)).tags()).containsExactly(new SpoolEntry.Tag("a", "2"));
        assertThat(entries.get(2)).isInstanceOf(SpoolEntry.Artifact.class);
        assertThat(entries.get(4)).isEqualTo(new SpoolEntry.End(RunStatus.FINISHED, 5));
    }

    @Test
    void entriesSurviveJsonExactlyWithNonFiniteValues() {
        SpoolEntry batch = new SpoolEntry.Batch(List.of(new SpoolEntry.Metric("train/loss", Double.NaN, 1, 2),
                new SpoolEntry.Metric("x", Double.NEGATIVE_INFINITY, 3, 4), new SpoolEntry.Metric("y", 0.1, 5, 6)),
                List.of(new SpoolEntry.Param("k", "v \"quoted\" ünï")), List.of(new SpoolEntry.Tag("t", "")));
        for (SpoolEntry entry : List.of(batch, new SpoolEntry.Artifact("000001-a.npy", "dir/a.npy"),
                new SpoolEntry.End(RunStatus.KILLED, 123))) {
            assertThat(SpoolEntry.fromJson(entry.toJson())).isEqualTo(entry);
            assertThat(entry.toJson()).doesNotContain("\n");
        }
    }

    @Test
    void batchesMergeOnlyWithinTheLimits() {
        SpoolEntry.BatchBuilder builder = new SpoolEntry.BatchBuilder();
        SpoolEntry.Batch six = (SpoolEntry.Batch) SpoolEntry.group(metrics(600)).get(0);
        assertThat(builder.tryAdd(six)).isTrue();
        assertThat(builder.tryAdd(six)).as("1200 metrics exceed 1000").isFalse();
        assertThat(builder.build().size()).isEqualTo(600);
    }
}
