package io.scorelab.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The forward (noising) process: the perturbation kernel p_t(x_t | x_0) = N(alpha(t) x_0,
 * sigma(t)^2 I) for t in [t_eps, T], and the SDE dx = f(x, t) dt + g(t) dW that has these
 * marginals (Song et al. 2021, eqs. 5-6).
 *
 * <p>Variance-exploding schedules have alpha = 1; variance-preserving ones alpha^2 + sigma^2 = 1.
 * Discrete schedules (NCSN's geometric sigmas, DDPM's betas) are the same interface on a fixed grid
 * of times: {@link #sampleTrainingTimes} then draws grid points only and {@link #discretization}
 * returns the grid.
 *
 * <p>Times are NDArrays of shape (n), one per example, on the device of the data.
 */
public interface NoiseSchedule {

    /** @return the smallest time used, t_eps > 0 */
    double tMin();

    /** @return the largest time T, where p_T is (close to) the prior */
    double tMax();

    /** @return the mean coefficient alpha(t), shape of t */
    NDArray alpha(NDArray t);

    /** @return the standard deviation sigma(t) of x_t given x_0, shape of t */
    NDArray sigma(NDArray t);

    /**
     * @param x states of shape (n, d...)
     * @param t times of shape (n)
     * @return the drift f(x, t), shaped like x
     */
    NDArray drift(NDArray x, NDArray t);

    /** @return the diffusion coefficient g(t), shape of t */
    NDArray diffusion(NDArray t);

    /**
     * Draws training times from the schedule's training distribution (uniform on [t_eps, T] for
     * continuous schedules, uniform over grid points for discrete ones).
     *
     * @return times of shape (n) on the manager's device
     */
    NDArray sampleTrainingTimes(NDManager manager, int n);

    /**
     * A draw from the prior p_T, made from the next draw of the per-sample noise (x_T = sigma(T) z for
     * the Gaussian priors), so that row r is the prior draw of sample noise.first() + r whatever the
     * batch.
     *
     * @param manager owns the result
     * @param shape the full shape (n, d...) of the batch
     * @param noise the run's per-sample noise; this takes one draw of it
     * @return a draw from the prior p_T, float32
     */
    NDArray samplePrior(NDManager manager, Shape shape, SampleNoise noise);

    /** @return log p_T(x) of the prior, shape (n) */
    NDArray priorLogDensity(NDArray x);

    /**
     * @param steps the number of steps N a sampler asks for; a discrete schedule may ignore it and
     *     return its own grid
     * @return decreasing times t_0 = T > t_1 > ... > t_{N-1} = t_eps
     */
    double[] discretization(int steps);

    /** @return sigma(t) of one time, on the host */
    double sigmaAt(double t);

    /** @return alpha(t) of one time, on the host */
    double alphaAt(double t);

    /**
     * The times of many noise levels, for objectives that draw sigma rather than t (EDM's log-normal
     * sigma). The default inverts {@link #timeOfSigma(double)} element by element on the host;
     * schedules with a closed-form inverse override it to stay on the device.
     *
     * @param sigma noise levels of shape (n), each within the schedule's range
     * @return the times t with sigma(t) = sigma, shape (n), on sigma's device
     */
    default NDArray timeOfSigma(NDArray sigma) {
        float[] levels = sigma.toType(DataType.FLOAT32, false).toFloatArray();
        float[] times = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            times[i] = (float) timeOfSigma(levels[i]);
        }
        return sigma.getManager().create(times, sigma.getShape());
    }

    /**
     * How far (relative) a noise level may lie outside [sigma(t_eps), sigma(T)] and still be taken as
     * the nearer end: sigma_min itself sits just below sigma(t_eps) when t_eps > 0 (by 6e-5 for ve's
     * defaults).
     */
    double RANGE_TOLERANCE = 1e-3;

    /**
     * Inverts sigma(t), which increases with t, by bisection on [t_eps, T]; a sigma within {@link
     * #RANGE_TOLERANCE} of an end maps to that end.
     *
     * @param sigma a standard deviation between sigma(t_eps) and sigma(T)
     * @return the time t with sigma(t) = sigma
     * @throws ScorelabException if sigma lies outside the schedule's range
     */
    default double timeOfSigma(double sigma) {
        double lo = tMin();
        double hi = tMax();
        double sigmaLo = sigmaAt(lo);
        double sigmaHi = sigmaAt(hi);
        if (!(sigma >= sigmaLo * (1 - RANGE_TOLERANCE) && sigma <= sigmaHi * (1 + RANGE_TOLERANCE))) {
            throw new ScorelabException(
                    "sigma = " + sigma + " is outside the schedule's range [" + sigmaLo + ", " + sigmaHi + "]");
        }
        if (sigma <= sigmaLo) {
            return lo;
        }
        if (sigma >= sigmaHi) {
            return hi;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1.0, Math.abs(hi)); i++) {
            double mid = 0.5 * (lo + hi);
            if (sigmaAt(mid) < sigma) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }
}
