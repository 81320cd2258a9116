package io.scorelab.api;

import ai.djl.ndarray.NDArray;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Sampler} returns.
 *
 * @param samples shape (n, d...)
 * @param nfe the number of score evaluations per sample (the cost of the sampler)
 * @param trajectory the intermediate states of the first samples, for samplers that record them
 */
public record SampleResult(NDArray samples, int nfe, Optional<Trajectory> trajectory) {

    /**
     * Intermediate states of a sampler run: the states x_{t_j} of the first m samples of the batch
     * (the same m rows as {@code samples[0:m]}) at k moments of the run, in the order visited,
     *
     * <pre>
     *   states[0] = the prior draw (t_0 = T),   states[j] = x after some update (time t_j),   states[k-1] = samples[0:m].
     * </pre>
     *
     * A state reached by a last step to the data or by a denoising (Tweedie) step has t = 0; Langevin
     * steps at one level keep its t, so times need not decrease strictly.
     *
     * @param times t_j of each state, length k
     * @param states shape (k, m, d...), owned by the manager that owns the samples
     */
    public record Trajectory(double[] times, NDArray states) {

        public Trajectory {
            Objects.requireNonNull(times, "times");
            Objects.requireNonNull(states, "states");
            if (states.getShape().dimension() < 2 || states.getShape().get(0) != times.length) {
                throw new IllegalArgumentException("a trajectory needs states of shape (k, m, d...) with k = "
                        + times.length + " times, got " + states.getShape());
            }
        }
    }

    public SampleResult {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(trajectory, "trajectory");
    }

    /** A result without intermediate states. */
    public SampleResult(NDArray samples, int nfe) {
        this(samples, nfe, Optional.empty());
    }
}
