package io.scorelab.plugins.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Functions of the squared distances between the rows of two float64 matrices a (n, d) and b (m, d),
 *
 * <pre>
 *   D_ij = ||a_i - b_j||^2 = ||a_i||^2 + ||b_j||^2 - 2 a_i . b_j   (clipped at 0),
 * </pre>
 *
 * computed a block of rows of a at a time, so that large sample sets need the memory of a few blocks of
 * {@value #BLOCK_ENTRIES} entries only.
 */
final class Pairwise {

    /** Entries of D computed at once. */
    static final long BLOCK_ENTRIES = 1L << 20;

    private Pairwise() {}

    /** What is done with one block of D. */
    interface Visitor {

        /**
         * @param start the index of the block's first row of a
         * @param squaredDistance D for rows start, start + 1, ... of a against all of b; it and what is
         *     made from it are freed after the call
         */
        void visit(long start, NDArray squaredDistance);
    }

    /** What one block of D becomes before it is summed. */
    interface Entries {

        /**
         * @param start the index of the block's first row of a
         * @param squaredDistance D for rows start, start + 1, ... of a against all of b
         * @return f(D) entry by entry, the same shape
         */
        NDArray of(long start, NDArray squaredDistance);
    }

    /** Calls the visitor with the blocks of D, in the order of the rows of a. */
    static void forEachBlock(NDArray a, NDArray b, Visitor visitor) {
        long n = a.getShape().get(0);
        long m = b.getShape().get(0);
        long rows = Math.max(1, BLOCK_ENTRIES / m);
        NDArray bTransposed = b.transpose();
        NDArray bSquaredNorms = b.square().sum(new int[] {1}).reshape(1, -1);
        for (long start = 0; start < n; start += rows) {
            try (NDManager block = a.getManager().newSubManager()) {
                NDArray ab = a.get(block, new NDIndex("{}:{}", start, Math.min(n, start + rows)));
                visitor.visit(start, ab.square().sum(new int[] {1}, true)
                        .add(bSquaredNorms)
                        .sub(ab.matMul(bTransposed).mul(2))
                        .maximum(0));
            }
        }
    }

    /**
     * The sum of f(D) and its bootstrap versions: with F = f(D) and multiplicities u_r of the rows of a and
     * v_r of the rows of b ({@link Bootstrap#counts}),
     *
     * <pre>
     *   sums[0] = sum_{i, j} F_ij,   sums[r + 1] = u_r^T F v_r.
     * </pre>
     *
     * @param weightsA multiplicities of the rows of a, (n, B) float64
     * @param weightsB multiplicities of the rows of b, (m, B) float64
     */
    static double[] sums(NDArray a, NDArray b, NDArray weightsA, NDArray weightsB, Entries f) {
        int replicates = Math.toIntExact(weightsA.getShape().get(1));
        double[] sums = new double[replicates + 1];
        forEachBlock(a, b, (start, squaredDistance) -> {
            NDArray values = f.of(start, squaredDistance);
            sums[0] += values.sum().getDouble();
            long rows = squaredDistance.getShape().get(0);
            double[] weighted = values.matMul(weightsB)
                    .mul(weightsA.get(squaredDistance.getManager(), new NDIndex("{}:{}", start, start + rows)))
                    .sum(new int[] {0})
                    .toDoubleArray();
            for (int r = 0; r < replicates; r++) {
                sums[r + 1] += weighted[r];
            }
        });
        return sums;
    }

    /** @return 1 off the diagonal i = j of the rows start, start + 1, ... of a block against itself, else 0 */
    static NDArray offDiagonal(long start, NDArray block) {
        NDManager manager = block.getManager();
        int first = Math.toIntExact(start);
        int rows = Math.toIntExact(block.getShape().get(0));
        int m = Math.toIntExact(block.getShape().get(1));
        NDArray row = manager.arange(first, first + rows, 1, DataType.INT64).reshape(-1, 1);
        NDArray column = manager.arange(0, m, 1, DataType.INT64).reshape(1, -1);
        return row.neq(column).toType(block.getDataType(), false);
    }

    /** @return a float64 copy of the batch as rows (n, d), owned by {@code scope} */
    static NDArray rows(NDArray batch, NDManager scope) {
        NDArray copy = batch.toType(DataType.FLOAT64, true);
        copy.attach(scope);
        return copy.reshape(batch.getShape().get(0), -1);
    }
}
