package io.scorelab.plugins.schedules;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.ScorelabException;
import java.util.Arrays;

/**
 * The shared part of the VP and sub-VP SDEs of Song et al. 2021: a linear beta(t) = beta_min +
 * t (beta_max - beta_min), the drift f(x, t) = -beta(t) x / 2, and the mean coefficient
 *
 * <pre>
 *   alpha(t) = m(t) = exp(-t^2 (beta_max - beta_min) / 4 - t beta_min / 2).
 * </pre>
 *
 * <p>Given sigma, ln m = c is known (ln m = ln(1 - sigma^2) / 2 for VP, ln(1 - sigma) / 2 for sub-VP), and
 * t is the positive root of (beta_max - beta_min) t^2 / 4 + beta_min t / 2 + c = 0,
 *
 * <pre>
 *   t = -2 c / (beta_min / 2 + sqrt(beta_min^2 / 4 - (beta_max - beta_min) c))   (no cancellation as c -> 0).
 * </pre>
 *
 * <p>The prior is N(0, I). Samplers use [t_eps, 1]; training draws t uniformly on [train_t_eps, 1].
 * sigma(t) is computed in float64 (1 - m^2 cancels near t = 0) and returned in t's type.
 */
abstract class LinearBetaSchedule implements NoiseSchedule {

    final double betaMin;
    final double betaMax;
    private final double tEps;
    private final double trainTEps;

    LinearBetaSchedule(Options options) {
        this(options.getDouble("beta_min"), options.getDouble("beta_max"),
                options.doubleIn("t_eps", 0, 0.5), options.doubleIn("train_t_eps", 0, 0.5));
    }

    LinearBetaSchedule(double betaMin, double betaMax, double tEps, double trainTEps) {
        if (!(betaMin > 0 && betaMax > betaMin && tEps >= 0 && trainTEps >= 0)) {
            throw new ScorelabException("a linear-beta schedule needs 0 < beta_min < beta_max and t_eps >= 0, got beta_min = "
                    + betaMin + ", beta_max = " + betaMax + ", t_eps = " + tEps + ", train_t_eps = " + trainTEps);
        }
        this.betaMin = betaMin;
        this.betaMax = betaMax;
        this.tEps = tEps;
        this.trainTEps = trainTEps;
    }

    /** @return log m(t), in float64 */
    final NDArray logMean(NDArray t) {
        NDArray t64 = t.toType(DataType.FLOAT64, false);
        return t64.square().mul(-(betaMax - betaMin) / 4).sub(t64.mul(betaMin / 2));
    }

    final double logMeanAt(double t) {
        return -t * t * (betaMax - betaMin) / 4 - t * betaMin / 2;
    }

    /** @return ln m(t) of the times with the given sigma(t), from float64 sigma */
    abstract NDArray logMeanOfSigma(NDArray sigma);

    final NDArray beta(NDArray t) {
        return t.mul(betaMax - betaMin).add(betaMin);
    }

    @Override
    public double tMin() {
        return tEps;
    }

    @Override
    public double tMax() {
        return 1.0;
    }

    @Override
    public NDArray alpha(NDArray t) {
        return logMean(t).exp().toType(t.getDataType(), false);
    }

    @Override
    public double alphaAt(double t) {
        return Math.exp(logMeanAt(t));
    }

    @Override
    public NDArray timeOfSigma(NDArray sigma) {
        NDArray c = logMeanOfSigma(sigma.toType(DataType.FLOAT64, false));
        NDArray denominator = c.mul(-(betaMax - betaMin)).add(betaMin * betaMin / 4).sqrt().add(betaMin / 2);
        return c.mul(-2).div(denominator).toType(sigma.getDataType(), false);
    }

    @Override
    public NDArray drift(NDArray x, NDArray t) {
        long[] shape = new long[x.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = x.getShape().get(0);
        return x.mul(beta(t).mul(-0.5).reshape(new Shape(shape)));
    }

    @Override
    public NDArray sampleTrainingTimes(NDManager manager, int n) {
        return manager.randomUniform((float) trainTEps, 1f, new Shape(n), DataType.FLOAT32);
    }

    @Override
    public NDArray samplePrior(NDManager manager, Shape shape, SampleNoise noise) {
        return GaussianPrior.sample(manager, shape, 1.0, noise);
    }

    @Override
    public NDArray priorLogDensity(NDArray x) {
        return GaussianPrior.logDensity(x, 1.0);
    }

    @Override
    public double[] discretization(int steps) {
        return GaussianPrior.linspace(tEps, steps);
    }
}
