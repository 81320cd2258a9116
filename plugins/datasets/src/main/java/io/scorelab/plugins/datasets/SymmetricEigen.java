package io.scorelab.plugins.datasets;

/**
 * The eigendecomposition of a real symmetric matrix by cyclic Jacobi rotations, in double precision,
 *
 * <pre>
 *   A = U diag(lambda) U^T,   U^T U = I.
 * </pre>
 *
 * Each rotation J in the (p, q) plane, with t = tan(phi) the smaller root of t^2 + 2 t theta - 1 = 0,
 * theta = (a_qq - a_pp) / (2 a_pq), zeroes a_pq in J^T A J; sweeps repeat until the off-diagonal part is
 * below rounding of the whole matrix. Accurate to a few ulps of ||A|| for the small matrices of a data
 * set's covariance.
 */
final class SymmetricEigen {

    private static final int MAX_SWEEPS = 64;

    private final double[] values;
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** @param a a symmetric matrix (only its upper triangle is trusted to mirror the lower one) */
    static SymmetricEigen of(double[][] a) {
        int d = a.length;
        double[][] m = new double[d][];
        double[][] v = new double[d][d];
        double norm = 0;
        for (int i = 0; i < d; i++) {
            m[i] = a[i].clone();
            v[i][i] = 1;
            for (int j = 0; j < d; j++) {
                norm += a[i][j] * a[i][j];
            }
        }
        double tiny = Math.ulp(1.0) * Math.ulp(1.0) * norm;
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(m) > tiny; sweep++) {
            for (int p = 0; p < d - 1; p++) {
                for (int q = p + 1; q < d; q++) {
                    if (m[p][q] != 0) {
                        rotate(m, v, p, q);
                    }
                }
            }
        }
        double[] values = new double[d];
        for (int i = 0; i < d; i++) {
            values[i] = m[i][i];
        }
        return new SymmetricEigen(values, v);
    }

    private static double offDiagonal(double[][] m) {
        double sum = 0;
        for (int p = 0; p < m.length; p++) {
            for (int q = p + 1; q < m.length; q++) {
                sum += m[p][q] * m[p][q];
            }
        }
        return sum;
    }

    /** m <- J^T m J and v <- v J for the rotation that zeroes m[p][q]. */
    private static void rotate(double[][] m, double[][] v, int p, int q) {
        double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        double t = Math.copySign(1.0, theta) / (Math.abs(theta) + Math.hypot(theta, 1));
        double c = 1 / Math.hypot(t, 1);
        double s = t * c;
        int d = m.length;
        for (int k = 0; k < d; k++) {
            double kp = m[k][p];
            double kq = m[k][q];
            m[k][p] = c * kp - s * kq;
            m[k][q] = s * kp + c * kq;
        }
        for (int k = 0; k < d; k++) {
            double pk = m[p][k];
            double qk = m[q][k];
            m[p][k] = c * pk - s * qk;
            m[q][k] = s * pk + c * qk;
        }
        for (int k = 0; k < d; k++) {
            double kp = v[k][p];
            double kq = v[k][q];
            v[k][p] = c * kp - s * kq;
            v[k][q] = s * kp + c * kq;
        }
    }

    /** @return the eigenvalues lambda_k, in the order of the columns of {@link #vectors()} */
    double[] values() {
        return values.clone();
    }

    /** @return U, whose column k is the unit eigenvector of lambda_k */
    double[][] vectors() {
        double[][] copy = new double[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            copy[i] = vectors[i].clone();
        }
        return copy;
    }
}
