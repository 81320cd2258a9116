package io.scorelab.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SymmetricEigenTest {

    @Test
    void twoByTwoHasItsKnownEigenpairs() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3 with eigenvectors (1, -1) / sqrt 2 and (1, 1) / sqrt 2.
        SymmetricEigen eigen = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
        double[] values = eigen.values();
        double[][] u = eigen.vectors();
        int small = values[0] < values[1] ? 0 : 1;
        // One rotation diagonalizes a 2 x 2 matrix: exact up to a few rounding errors.
        assertThat(values[small]).isCloseTo(1, within(1e-14));
        assertThat(values[1 - small]).isCloseTo(3, within(1e-14));
        assertThat(Math.abs(u[0][small] + u[1][small])).isCloseTo(0, within(1e-14));
        assertThat(Math.abs(u[0][1 - small] - u[1][1 - small])).isCloseTo(0, within(1e-14));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 6, 12})
    void reconstructsRandomSymmetricMatricesWithOrthonormalVectors(int d) {
        Random random = new Random(d);
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = random.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        assertDecomposes(a);
    }

    @Test
    void repeatedEigenvaluesAndDiagonalMatricesAreHandled() {
        // 2 I + 1 1^T has eigenvalues 2, 2, 5 (a repeated pair) and diag(3, 1, 2) is already diagonal.
        assertDecomposes(new double[][] {{3, 1, 1}, {1, 3, 1}, {1, 1, 3}});
        double[] values = SymmetricEigen.of(new double[][] {{3, 0, 0}, {0, 1, 0}, {0, 0, 2}}).values();
        assertThat(values).containsExactly(3, 1, 2);
        double[] repeated = SymmetricEigen.of(new double[][] {{3, 1, 1}, {1, 3, 1}, {1, 1, 3}}).values();
        Arrays.sort(repeated);
        assertThat(repeated).containsExactly(new double[] {2, 2, 5}, within(1e-13));
    }

    /** U diag(lambda) U^T = A and U^T U = I, to 1e-12: a few hundred rotations, each exact to rounding of ||A|| ~ 10. */
    private static void assertDecomposes(double[][] a) {
        int d = a.length;
        SymmetricEigen eigen = SymmetricEigen.of(a);
        double[] values = eigen.values();
        double[][] u = eigen.vectors();
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double product = 0;
                double gram = 0;
                for (int k = 0; k < d; k++) {
                    product += u[i][k] * values[k] * u[j][k];
                    gram += u[k][i] * u[k][j];
                }
                assertThat(product).as("(U diag U^T)[%d][%d]", i, j).isCloseTo(a[i][j], within(1e-12));
                assertThat(gram).as("(U^T U)[%d][%d]", i, j).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
        }
    }
}
