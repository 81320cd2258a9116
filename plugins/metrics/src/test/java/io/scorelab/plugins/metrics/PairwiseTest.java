package io.scorelab.plugins.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PairwiseTest {

    @Test
    void sumsAndWeightedSumsOverManyBlocksMatchTheHost() {
        // 3000 x 1000 entries in blocks of 2^20 / 1000 = 1048 rows: three blocks, the last one short.
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(0f, 1f, new Shape(3000, 2), DataType.FLOAT64);
            NDArray b = manager.randomNormal(1f, 2f, new Shape(1000, 2), DataType.FLOAT64);
            NDArray u = Bootstrap.counts(manager, 3000, 2);
            NDArray v = Bootstrap.counts(manager, 1000, 2);
            double[] sums = Pairwise.sums(a, b, u, v, (start, squaredDistance) -> squaredDistance.sqrt());

            double[][] rowsA = rows(a);
            double[][] rowsB = rows(b);
            double[] weightsA = u.toDoubleArray();
            double[] weightsB = v.toDoubleArray();
            double[] expected = new double[3];
            for (int i = 0; i < rowsA.length; i++) {
                for (int j = 0; j < rowsB.length; j++) {
                    double f = Resampling.distance(rowsA[i], rowsB[j]);
                    expected[0] += f;
                    for (int r = 0; r < 2; r++) {
                        expected[r + 1] += weightsA[2 * i + r] * f * weightsB[2 * j + r];
                    }
                }
            }
            // Sums of 3e6 terms of size ~3, through ||a||^2 + ||b||^2 - 2 a.b: relative 1e-9 covers float64 rounding.
            for (int k = 0; k < 3; k++) {
                assertThat(sums[k]).isCloseTo(expected[k], within(1e-9 * expected[k]));
            }
        }
    }

    @Test
    void offDiagonalMarksTheBlockRowsOwnColumns() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Rows 2, 3, 4 of a 6 x 6 matrix: zeros at columns 2, 3, 4.
            NDArray mask = Pairwise.offDiagonal(2, manager.zeros(new Shape(3, 6), DataType.FLOAT64));
            assertThat(mask.toDoubleArray()).containsExactly(
                    1, 1, 0, 1, 1, 1,
                    1, 1, 1, 0, 1, 1,
                    1, 1, 1, 1, 0, 1);
        }
    }

    private static double[][] rows(NDArray matrix) {
        int n = Math.toIntExact(matrix.getShape().get(0));
        int d = Math.toIntExact(matrix.getShape().get(1));
        double[] flat = matrix.toDoubleArray();
        double[][] rows = new double[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, rows[i], 0, d);
        }
        return rows;
    }
}
