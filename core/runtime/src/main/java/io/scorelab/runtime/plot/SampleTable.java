package io.scorelab.runtime.plot;

import io.scorelab.api.ScorelabException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples as a CSV file, the table beside a scatter plot: a header row, then one row per sample.
 * Numbers are written exactly (they parse back to the same double) and NaN and infinities as
 * {@code nan}, {@code inf} and {@code -inf}, which Python, NumPy and pandas read.
 */
public final class SampleTable {

    private SampleTable() {}

    /**
     * Writes a CSV file.
     *
     * @param csv the file to write
     * @param header the column names
     * @param rows the samples, each with one value per column
     * @throws ScorelabException naming the file if it cannot be written
     */
    public static void write(Path csv, String[] header, double[][] rows) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != header.length) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + rows[i].length + " values for " + header.length + " columns");
            }
        }
        try {
            Files.createDirectories(csv.toAbsolutePath().getParent());
            try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                for (int column = 0; column < header.length; column++) {
                    out.write((column > 0 ? "," : "") + field(header[column]));
                }
                out.write('\n');
                StringBuilder line = new StringBuilder();
                for (double[] row : rows) {
                    line.setLength(0);
                    for (int column = 0; column < row.length; column++) {
                        line.append(column > 0 ? "," : "").append(number(row[column]));
                    }
                    out.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            throw new ScorelabException("cannot write the sample table " + csv + ": " + e.getMessage(), e);
        }
    }

    /** @return the name, quoted as RFC 4180 asks if it holds a comma, quote or line break */
    private static String field(String name) {
        if (name.contains(",") || name.contains("\"") || name.contains("\n") || name.contains("\r")) {
            return '"' + name.replace("\"", "\"\"") + '"';
        }
        return name;
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return Double.toString(value);
    }
}
