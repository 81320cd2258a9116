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
 * The schedule of EDM (Karras et al. 2022), where time is the noise level:
 *
 * <pre>
 *   sigma(t) = t,   alpha(t) = 1,   dx = sqrt(2 t) dW   (f = 0, g^2 = d sigma^2 / dt),   t in [sigma_min, sigma_max],
 *   t_i = (sigma_max^(1/rho) + i / (N - 1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho,   i = 0, ..., N - 1,
 *   ln sigma_train ~ N(p_mean, p_std^2), clamped to [sigma_min, sigma_max].
 * </pre>
 *
 * The prior is N(0, sigma_max^2 I). Samplers append t_N = 0 to the discretization themselves.
 */
public final class EdmSchedule implements NoiseSchedule {

    private final double sigmaMin;
    private final double sigmaMax;
    private final double rho;
    private final double pMean;
    private final double pStd;

    @Inject
    EdmSchedule(@Named("schedule") Options options) {
        this(options.positiveDouble("sigma_min"), sigmaMax(options), options.positiveDouble("rho"),
                pMean(options), options.positiveDouble("p_std"));
    }

    private static double sigmaMax(Options options) {
        double sigmaMax = options.positiveDouble("sigma_max");
        if (options.positiveDouble("sigma_min") >= sigmaMax) {
            throw options.invalid("sigma_min", "a number below schedule.sigma_max = " + sigmaMax);
        }
        return sigmaMax;
    }

    private static double pMean(Options options) {
        double pMean = options.getDouble("p_mean");
        if (!Double.isFinite(pMean)) {
            throw options.invalid("p_mean", "a finite number");
        }
        return pMean;
    }

    /**
     * @param sigmaMin the smallest noise level, tMin
     * @param sigmaMax the largest noise level, tMax
     * @param rho the exponent of the sampling grid; larger puts more steps at small sigma
     * @param pMean the mean of ln sigma in training
     * @param pStd the standard deviation of ln sigma in training
     */
    public EdmSchedule(double sigmaMin, double sigmaMax, double rho, double pMean, double pStd) {
        if (!(sigmaMin > 0 && sigmaMax > sigmaMin && Double.isFinite(sigmaMax) && rho > 0 && Double.isFinite(rho)
                && Double.isFinite(pMean) && pStd > 0 && Double.isFinite(pStd))) {
            throw new ScorelabException("edm schedule needs 0 < sigma_min < sigma_max, rho > 0 and p_std > 0, got "
                    + "sigma_min = " + sigmaMin + ", sigma_max = " + sigmaMax + ", rho = " + rho + ", p_mean = " + pMean
                    + ", p_std = " + pStd);
        }
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.rho = rho;
        this.pMean = pMean;
        this.pStd = pStd;
    }

    @Override
    public double tMin() {
        return sigmaMin;
    }

    @Override
    public double tMax() {
        return sigmaMax;
    }

    @Override
    public NDArray alpha(NDArray t) {
        return t.onesLike();
    }

    @Override
    public NDArray sigma(NDArray t) {
        return t.duplicate();
    }

    @Override
    public NDArray drift(NDArray x, NDArray t) {
        return x.zerosLike();
    }

    @Override
    public NDArray diffusion(NDArray t) {
        return t.mul(2).sqrt();
    }

    /** ln sigma ~ N(p_mean, p_std^2), clamped to [sigma_min, sigma_max] (a 4-sigma tail at the defaults). */
    @Override
    public NDArray sampleTrainingTimes(NDManager manager, int n) {
        return manager.randomNormal((float) pMean, (float) pStd, new Shape(n), DataType.FLOAT32)
                .exp().clip(sigmaMin, sigmaMax);
    }

    @Override
    public NDArray samplePrior(NDManager manager, Shape shape, SampleNoise noise) {
        return GaussianPrior.sample(manager, shape, sigmaMax, noise);
    }

    @Override
    public NDArray priorLogDensity(NDArray x) {
        return GaussianPrior.logDensity(x, sigmaMax);
    }

    /** Karras et al.'s grid from t_0 = sigma_max to t_{N-1} = sigma_min, both exactly; N = 1 gives sigma_max. */
    @Override
    public double[] discretization(int steps) {
        if (steps < 1) {
            throw new ScorelabException("a discretization needs at least 1 step, got " + steps);
        }
        double top = Math.pow(sigmaMax, 1 / rho);
        double bottom = Math.pow(sigmaMin, 1 / rho);
        double[] times = new double[steps];
        times[0] = sigmaMax; // the ends exactly, not (sigma^(1/rho))^rho
        for (int i = 1; i < steps - 1; i++) {
            times[i] = Math.pow(top + (double) i / (steps - 1) * (bottom - top), rho);
        }
        if (steps > 1) {
            times[steps - 1] = sigmaMin;
        }
        return times;
    }

    @Override
    public double sigmaAt(double t) {
        return t;
    }

    @Override
    public double alphaAt(double t) {
        return 1.0;
    }

    /** t = sigma. */
    @Override
    public NDArray timeOfSigma(NDArray sigma) {
        return sigma.duplicate();
    }

    /** t = sigma, for sigma in [sigma_min, sigma_max]. */
    @Override
    public double timeOfSigma(double sigma) {
        if (!(sigma >= sigmaMin && sigma <= sigmaMax)) {
            throw new ScorelabException(
                    "sigma = " + sigma + " is outside the schedule's range [" + sigmaMin + ", " + sigmaMax + "]");
        }
        return sigma;
    }
}
