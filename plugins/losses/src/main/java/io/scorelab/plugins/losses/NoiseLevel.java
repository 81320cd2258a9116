package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScorelabException;

/**
 * The one noise level of a single-level objective (dsm, esm, ism, ssm): every example is noised at
 * sigma, that is at the time
 *
 * <pre>
 *   t = sigma^-1(sigma),   x_t = alpha(t) x_0 + sigma z,
 * </pre>
 *
 * found once per schedule (by {@link NoiseSchedule#timeOfSigma(double)}) and cached.
 */
final class NoiseLevel {

    /** The schedule whose time of sigma was last resolved, and that time. */
    private record ResolvedTime(NoiseSchedule schedule, float t) {}

    private final double sigma;
    private volatile ResolvedTime resolved;

    /**
     * @param loss the loss's name, for the error message
     * @param sigma the noise level, finite and positive
     */
    NoiseLevel(String loss, double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new ScorelabException(loss + " loss needs a positive, finite sigma, got sigma = " + sigma);
        }
        this.sigma = sigma;
    }

    /** @return t = sigma^-1(sigma) for each of n examples, shape (n) */
    NDArray times(NoiseSchedule schedule, NDManager manager, long n) {
        ResolvedTime current = resolved;
        if (current == null || current.schedule() != schedule) {
            current = new ResolvedTime(schedule, (float) timeOfSigma(schedule));
            resolved = current;
        }
        return manager.full(new Shape(n), current.t());
    }

    private double timeOfSigma(NoiseSchedule schedule) {
        try {
            return schedule.timeOfSigma(sigma);
        } catch (ScorelabException e) {
            throw new ScorelabException("loss.sigma = " + sigma + " does not fit the schedule: " + e.getMessage(), e);
        }
    }
}
