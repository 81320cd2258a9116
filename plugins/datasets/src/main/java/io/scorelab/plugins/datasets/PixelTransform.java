package io.scorelab.plugins.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import io.scorelab.api.ImageData;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.util.List;

/**
 * How 8-bit pixels p in {0, ..., 255} become model inputs: an intensity v in [0, 1], then either an
 * affine map onto [lo, hi] or a logit,
 *
 * <pre>
 *   v = (p + u) / 256,  u ~ U(0, 1)   (dequantize = true: uniform dequantization)
 *   v = p / 255                       (dequantize = false)
 *   x = lo + (hi - lo) v                                              (logit = false)
 *   x = logit(alpha + (1 - 2 alpha) v) = log(y / (1 - y)),  alpha = 0.05   (logit = true, needs [lo, hi] = [0, 1])
 * </pre>
 *
 * The logit squeeze by alpha (Dinh et al. 2017, RealNVP) keeps x finite at p = 0 and p = 255. Its
 * inverse, {@link #toUnitRange}, maps model space back to v and clips it to [0, 1].
 */
public final class PixelTransform implements ImageData {

    /** The squeeze of the logit transform, y = alpha + (1 - 2 alpha) v. */
    public static final double LOGIT_ALPHA = 0.05;

    private final double lo;
    private final double hi;
    private final boolean dequantize;
    private final boolean logit;

    /**
     * @param lo the value of intensity 0, finite
     * @param hi the value of intensity 1, greater than lo and finite
     * @param dequantize whether to add u ~ U(0, 1) to every pixel of every batch
     * @param logit whether x = logit(alpha + (1 - 2 alpha) v); needs lo = 0 and hi = 1
     */
    public PixelTransform(double lo, double hi, boolean dequantize, boolean logit) {
        if (!(lo < hi && Double.isFinite(lo) && Double.isFinite(hi))) {
            throw new ScorelabException("images need a range [lo, hi] with lo < hi, got [" + lo + ", " + hi + "]");
        }
        if (logit && !(lo == 0 && hi == 1)) {
            throw new ScorelabException("the logit transform acts on intensities in [0, 1], so it needs range = [0, 1], got ["
                    + lo + ", " + hi + "]");
        }
        this.lo = lo;
        this.hi = hi;
        this.dequantize = dequantize;
        this.logit = logit;
    }

    /** Reads {@code range}, {@code dequantize} and {@code logit}. */
    static PixelTransform of(Options options) {
        List<Double> range = options.getDoubleList("range");
        if (range.size() != 2 || !(range.get(0) < range.get(1))
                || !Double.isFinite(range.get(0)) || !Double.isFinite(range.get(1))) {
            throw options.invalid("range", "[lo, hi] with lo < hi, such as [-1, 1] or [0, 1]");
        }
        boolean logit = options.getBoolean("logit");
        if (logit && !(range.get(0) == 0 && range.get(1) == 1)) {
            throw options.invalid("logit", "false unless range = [0, 1] (the logit acts on intensities in [0, 1]; range is "
                    + range + ")");
        }
        return new PixelTransform(range.get(0), range.get(1), options.getBoolean("dequantize"), logit);
    }

    /**
     * @param pixels 8-bit pixel values of any shape and numeric type; the dequantization noise is drawn on
     *     their manager's device
     * @return x, float32, same shape, owned by the pixels' manager
     */
    public NDArray apply(NDArray pixels) {
        NDArray p = pixels.toType(DataType.FLOAT32, false);
        NDArray v = dequantize
                ? p.add(p.getManager().randomUniform(0f, 1f, p.getShape(), DataType.FLOAT32)).div(256)
                : p.div(255);
        if (logit) {
            NDArray y = v.mul(1 - 2 * LOGIT_ALPHA).add(LOGIT_ALPHA);
            return y.log().sub(y.neg().add(1).log());
        }
        return v.mul(hi - lo).add(lo);
    }

    /** v = (sigmoid(x) - alpha) / (1 - 2 alpha) with the logit, else (x - lo) / (hi - lo); clipped to [0, 1]. */
    @Override
    public NDArray toUnitRange(NDArray x) {
        NDArray v = logit
                ? Activation.sigmoid(x).sub(LOGIT_ALPHA).div(1 - 2 * LOGIT_ALPHA)
                : x.sub(lo).div(hi - lo);
        return v.clip(0, 1);
    }

    @Override
    public double rangeWidth() {
        return hi - lo;
    }

    @Override
    public boolean logit() {
        return logit;
    }

    /** @return whether every batch is dequantized with fresh uniform noise */
    public boolean dequantize() {
        return dequantize;
    }
}
