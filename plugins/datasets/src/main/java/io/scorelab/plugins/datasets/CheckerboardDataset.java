package io.scorelab.plugins.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;

/**
 * The checkerboard: uniform on the dark squares of a k x k board covering [-h, h]^2, squares of side
 * w = 2h / k, where square (i, j), counted from the lower left corner, is dark when i + j is even:
 *
 * <pre>
 *   p_0(x) = 2 / (k^2 w^2)  on  {x : (floor((x_1 + h) / w) + floor((x_2 + h) / w)) even},  0 elsewhere.
 * </pre>
 *
 * k = 4, h = 4 is the board of FFJORD (Grathwohl et al. 2019) and later flow and score papers; k = 8
 * gives the finer 8 x 8 variant. Sample only: the density has no closed-form Gaussian smoothing.
 */
public final class CheckerboardDataset extends PlanarToy {

    private final int squares;
    private final double halfWidth;

    @Inject
    CheckerboardDataset(@Named("dataset") Options options) {
        this(readSquares(options), options.positiveDouble("half_width"));
    }

    /**
     * @param squares the squares k per side, even and at least 2 (each column then has k / 2 dark squares)
     * @param halfWidth h, the board covers [-h, h]^2; positive
     */
    public CheckerboardDataset(int squares, double halfWidth) {
        if (!(squares >= 2 && squares % 2 == 0 && halfWidth > 0 && Double.isFinite(halfWidth))) {
            throw new ScorelabException("checkerboard needs an even number of squares >= 2 and half_width > 0, got squares = "
                    + squares + ", half_width = " + halfWidth);
        }
        this.squares = squares;
        this.halfWidth = halfWidth;
    }

    private static int readSquares(Options options) {
        int squares = options.positiveInt("squares");
        if (squares % 2 != 0) {
            throw options.invalid("squares", "an even number >= 2 (so that half the squares of every column are dark)");
        }
        return squares;
    }

    /**
     * Picks the column i ~ U{0..k-1} and the dark row j = 2 m + (i mod 2), m ~ U{0..k/2-1}, so every dark
     * square is equally likely, then a uniform point in it: x = -h + ((i, j) + u) w.
     */
    @Override
    NDArray draw(NDManager scope, int n) {
        NDArray column = scope.randomInteger(0, squares, new Shape(n), DataType.INT64).toType(DataType.FLOAT32, false);
        NDArray row = scope.randomInteger(0, squares / 2, new Shape(n), DataType.INT64).toType(DataType.FLOAT32, false)
                .mul(2).add(column.mod(2));
        NDArray square = NDArrays.stack(new NDList(column, row), 1);
        double width = 2 * halfWidth / squares;
        return square.add(scope.randomUniform(0f, 1f, new Shape(n, 2), DataType.FLOAT32)).mul(width).sub(halfWidth);
    }
}
