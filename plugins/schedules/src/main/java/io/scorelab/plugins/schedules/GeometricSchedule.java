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
 * NCSN's noise levels (Song and Ermon 2019): L standard deviations in geometric progression,
 *
 * <pre>
 *   sigma_i = sigma_max (sigma_min / sigma_max)^(i / (L - 1)),   i = 0, ..., L - 1,
 * </pre>
 *
 * with x_i = x_0 + sigma_i z (alpha = 1). As a {@link NoiseSchedule} the levels sit on the time
 * grid t_i = 1 - i / (L - 1), with sigma(t) = sigma_min (sigma_max / sigma_min)^t: the
 * variance-exploding SDE of Song et al. 2021 (f = 0, g(t) = sigma(t) sqrt(2 ln(sigma_max /
 * sigma_min))), observed at L times only. Training draws one of the L levels uniformly; the prior
 * is N(0, sigma_max^2 I).
 */
public final class GeometricSchedule implements NoiseSchedule {

    private final int levels;
    /** sigma(t), f, g and the prior are those of the VE SDE; only the grid is this schedule's own. */
    private final VeSchedule continuous;

    @Inject
    GeometricSchedule(@Named("schedule") Options options) {
        this(options.positiveDouble("sigma_min"), sigmaMax(options), levels(options));
    }

    private static double sigmaMax(Options options) {
        double sigmaMax = options.positiveDouble("sigma_max");
        if (options.positiveDouble("sigma_min") >= sigmaMax) {
            throw options.invalid("sigma_min", "a number below schedule.sigma_max = " + sigmaMax);
        }
        return sigmaMax;
    }

    private static int levels(Options options) {
        int levels = options.getInt("levels");
        if (levels < 2) {
            throw options.invalid("levels", "an integer >= 2");
        }
        return levels;
    }

    /**
     * @param sigmaMin the smallest level sigma_L
     * @param sigmaMax the largest level sigma_1
     * @param levels the number of levels L, at least 2
     */
    public GeometricSchedule(double sigmaMin, double sigmaMax, int levels) {
        if (!(sigmaMin > 0 && sigmaMax > sigmaMin && levels >= 2)) {
            throw new ScorelabException(
                    "geometric schedule needs 0 < sigma_min < sigma_max and levels >= 2, got sigma_min = "
                            + sigmaMin + ", sigma_max = " + sigmaMax + ", levels = " + levels);
        }
        this.levels = levels;
        this.continuous = new VeSchedule(sigmaMin, sigmaMax, 0.0);
    }

    /** @return sigma_1 > ... > sigma_L, the levels in the order a sampler visits them */
    public double[] sigmas() {
        double[] sigmas = new double[levels];
        for (int i = 0; i < levels; i++) {
            sigmas[i] = sigmaAt(gridTime(i));
        }
        return sigmas;
    }

    private double gridTime(int i) {
        return 1.0 - (double) i / (levels - 1);
    }

    @Override
    public double tMin() {
        return 0.0;
    }

    @Override
    public double tMax() {
        return 1.0;
    }

    @Override
    public NDArray alpha(NDArray t) {
        return continuous.alpha(t);
    }

    @Override
    public NDArray sigma(NDArray t) {
        return continuous.sigma(t);
    }

    @Override
    public NDArray drift(NDArray x, NDArray t) {
        return continuous.drift(x, t);
    }

    @Override
    public NDArray diffusion(NDArray t) {
        return continuous.diffusion(t);
    }

    @Override
    public NDArray sampleTrainingTimes(NDManager manager, int n) {
        NDArray level = manager.randomInteger(0, levels, new Shape(n), DataType.INT64);
        return level.toType(DataType.FLOAT32, false).div(-(levels - 1)).add(1.0f);
    }

    @Override
    public NDArray samplePrior(NDManager manager, Shape shape, SampleNoise noise) {
        return continuous.samplePrior(manager, shape, noise);
    }

    @Override
    public NDArray priorLogDensity(NDArray x) {
        return continuous.priorLogDensity(x);
    }

    /** Returns the L grid times; a geometric schedule has no other discretization. */
    @Override
    public double[] discretization(int steps) {
        double[] times = new double[levels];
        for (int i = 0; i < levels; i++) {
            times[i] = gridTime(i);
        }
        return times;
    }

    @Override
    public NDArray timeOfSigma(NDArray sigma) {
        return continuous.timeOfSigma(sigma);
    }

    @Override
    public double sigmaAt(double t) {
        return continuous.sigmaAt(t);
    }

    @Override
    public double alphaAt(double t) {
        return continuous.alphaAt(t);
    }
}
