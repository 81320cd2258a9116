package io.scorelab.plugins.schedules;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.ScorelabException;

/**
 * The variance-exploding SDE of Song et al. 2021 (the continuous limit of SMLD/NCSN):
 *
 * <pre>
 *   sigma(t) = sigma_min (sigma_max / sigma_min)^t,   alpha(t) = 1,
 *   dx = sigma(t) sqrt(2 ln(sigma_max / sigma_min)) dW     (f = 0),
 * </pre>
 *
 * so that d sigma^2 / dt = g^2, and t(sigma) = ln(sigma / sigma_min) / ln(sigma_max / sigma_min).
 * The prior is N(0, sigma_max^2 I); training times are uniform on [t_eps, 1]; samplers step on
 * linspace(1, t_eps, N).
 */
public final class VeSchedule implements NoiseSchedule {

    private final double sigmaMin;
    private final double sigmaMax;
    private final double tEps;

    @Inject
    VeSchedule(@Named("schedule") Options options) {
        this(options.positiveDouble("sigma_min"), sigmaMax(options), options.doubleIn("t_eps", 0, 0.5));
    }

    private static double sigmaMax(Options options) {
        double sigmaMax = options.positiveDouble("sigma_max");
        if (options.positiveDouble("sigma_min") >= sigmaMax) {
            throw options.invalid("sigma_min", "a number below schedule.sigma_max = " + sigmaMax);
        }
        return sigmaMax;
    }

    /**
     * @param sigmaMin sigma(0)
     * @param sigmaMax sigma(1)
     * @param tEps the smallest time, in [0, 0.5]
     */
    public VeSchedule(double sigmaMin, double sigmaMax, double tEps) {
        if (!(sigmaMin > 0 && sigmaMax > sigmaMin && tEps >= 0 && tEps <= 0.5)) {
            throw new ScorelabException("ve schedule needs 0 < sigma_min < sigma_max and t_eps in [0, 0.5], got "
                    + sigmaMin + ", " + sigmaMax + ", " + tEps);
        }
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.tEps = tEps;
    }

    private double logRatio() {
        return Math.log(sigmaMax / sigmaMin);
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
        return t.onesLike();
    }

    @Override
    public NDArray sigma(NDArray t) {
        return t.mul(logRatio()).exp().mul(sigmaMin);
    }

    @Override
    public NDArray drift(NDArray x, NDArray t) {
        return x.zerosLike();
    }

    @Override
    public NDArray diffusion(NDArray t) {
        return sigma(t).mul(Math.sqrt(2 * logRatio()));
    }

    @Override
    public NDArray sampleTrainingTimes(NDManager manager, int n) {
        return manager.randomUniform((float) tEps, 1f, new Shape(n), DataType.FLOAT32);
    }

    @Override
    public NDArray samplePrior(NDManager manager, Shape shape, SampleNoise noise) {
        return GaussianPrior.sample(manager, shape, sigmaMax, noise);
    }

    @Override
    public NDArray priorLogDensity(NDArray x) {
        return GaussianPrior.logDensity(x, sigmaMax);
    }

    @Override
    public double[] discretization(int steps) {
        return GaussianPrior.linspace(tEps, steps);
    }

    /** t = ln(sigma / sigma_min) / ln(sigma_max / sigma_min), on the device. */
    @Override
    public NDArray timeOfSigma(NDArray sigma) {
        return sigma.div(sigmaMin).log().div(logRatio());
    }

    @Override
    public double sigmaAt(double t) {
        return sigmaMin * Math.exp(t * logRatio());
    }

    @Override
    public double alphaAt(double t) {
        return 1.0;
    }
}
