package io.scorelab.runtime.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleTableTest {

    @TempDir
    Path temp;

    @Test
    void writesAHeaderAndExactValues() throws IOException {
        Path csv = temp.resolve("out/samples.csv");

        SampleTable.write(csv, new String[] {"x", "y, quoted \"name\""},
                new double[][] {{0.1, -2}, {1e-300, Double.NaN}, {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}});

        assertThat(Files.readString(csv)).isEqualTo(
                "x,\"y, quoted \"\"name\"\"\"\n0.1,-2.0\n1.0E-300,nan\ninf,-inf\n");
    }

    @Test
    void rejectsRaggedRowsAndNamesAnUnwritableFile() throws IOException {
        assertThatThrownBy(() -> SampleTable.write(temp.resolve("a.csv"), new String[] {"x", "y"}, new double[][] {{1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0");
        Path blocker = Files.writeString(temp.resolve("file"), "x");
        Path csv = blocker.resolve("samples.csv");
        assertThatThrownBy(() -> SampleTable.write(csv, new String[] {"x"}, new double[0][]))
                .isInstanceOf(ScorelabException.class).hasMessageContaining(csv.toString());
    }
}
