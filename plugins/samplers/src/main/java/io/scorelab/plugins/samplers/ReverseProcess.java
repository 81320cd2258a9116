package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.ScoreFunction;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One run of a sampler: the score s(x, t) (every evaluation counted), the forward process it
 * reverses, and the manager that owns the states. Gives the reverse-time SDE and probability-flow ODE
 * of Song et al. 2021 (eqs. 6 and 13),
 *
 * <pre>
 *   dx = [f(x, t) - g(t)^2 s(x, t)] dt + g(t) dW,      dx/dt = f(x, t) - g(t)^2 s(x, t) / 2,
 * </pre>
 *
 * and Tweedie's posterior mean E[x_0 | x_t = x] = (x + sigma(t)^2 s(x, t)) / alpha(t). Every example
 * of a batch is at the same time t. The run keeps the path of its first samples (see {@link
 * TrajectoryRecorder}): it starts at the prior draw, and every update names the time it reaches. Its
 * noise z ~ N(0, I) is the next draw of the run's per-sample noise, so that row r of every draw belongs
 * to the same sample whatever the batch (see {@link SampleNoise}).
 */
final class ReverseProcess {

    private final ScoreFunction model;
    private final NoiseSchedule schedule;
    private final SampleNoise noise;
    private final NDManager manager;
    private final TrajectoryRecorder trajectory;
    private int evaluations;

    /** A run that draws its noise, and its prior, from {@code noise}. */
    ReverseProcess(ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager) {
        this.model = model;
        this.schedule = schedule;
        this.noise = noise;
        this.manager = manager;
        this.trajectory = new TrajectoryRecorder(manager);
    }

    /** A deterministic run, which draws no noise (a likelihood's probability flow). */
    ReverseProcess(ScoreFunction model, NoiseSchedule schedule, NDManager manager) {
        this(model, schedule, null, manager);
    }

    /** @return the prior draw x, kept as the first state of the trajectory at time t */
    NDArray start(NDArray x, double t) {
        trajectory.start(x, t);
        return x;
    }

    /** Counts an update, made elsewhere (by an ODE solver), that led to x at time t. */
    void reached(NDArray x, double t) {
        trajectory.update(x, t);
    }

    /** @return the final state x (the state of the last update), the evaluations and the trajectory */
    SampleResult result(NDArray x) {
        return new SampleResult(x, evaluations, Optional.of(trajectory.finish(x)));
    }

    /** @return the number of score evaluations so far, per example */
    int evaluations() {
        return evaluations;
    }

    /**
     * Replaces a state by its update, computed in a sub-manager that is closed with the step: the
     * step's temporaries and the old state are freed, the new state belongs to the run's manager.
     *
     * @param t the time the update reaches (0 for the data or a denoising step)
     */
    NDArray advance(NDArray x, double t, UnaryOperator<NDArray> update) {
        NDArray next;
        try (NDManager step = manager.newSubManager()) {
            x.attach(step);
            next = update.apply(x);
            next.attach(manager);
        }
        trajectory.update(next, t);
        return next;
    }

    /** @return s(x, t), counted as one evaluation */
    NDArray score(NDArray x, double t) {
        evaluations++;
        return model.score(x, times(x, t));
    }

    /** @return f(x, t) */
    NDArray drift(NDArray x, double t) {
        return schedule.drift(x, times(x, t));
    }

    /** @return g(t)^2, shaped (n, 1, ..., 1) to broadcast against x */
    NDArray diffusionSquared(NDArray x, double t) {
        return perExample(schedule.diffusion(times(x, t)).square(), x);
    }

    /** @return the probability-flow velocity f(x, t) - g(t)^2 s(x, t) / 2, one score evaluation */
    NDArray probabilityFlow(NDArray x, double t) {
        // g^2 / 2 is formed first, off the graph: a Java-number factor on the score (score.mul(0.5)) lives in
        // a buffer DJL may free before a likelihood's divergence differentiates through it
        return drift(x, t).sub(score(x, t).mul(diffusionSquared(x, t).mul(0.5)));
    }

    /** @return Tweedie's (x + sigma(t)^2 s(x, t)) / alpha(t), one score evaluation */
    NDArray posteriorMean(NDArray x, double t) {
        double sigma = schedule.sigmaAt(t);
        return x.add(score(x, t).mul(sigma * sigma)).div(schedule.alphaAt(t));
    }

    /** @return z ~ N(0, I) shaped like x, in x's type and manager: the next draw of the per-sample noise */
    NDArray noise(NDArray x) {
        if (noise == null) {
            throw new IllegalStateException("a deterministic reverse process draws no noise");
        }
        return noise.normal(x.getManager(), x.getShape(), x.getDataType());
    }

    /** @return the time t for every example of x, shape (n), in x's type (t is not rounded to float32 first) */
    static NDArray times(NDArray x, double t) {
        return x.getManager().zeros(new Shape(x.getShape().get(0)), x.getDataType()).add(t);
    }

    /** @return per-example values (n) reshaped to (n, 1, ..., 1) to broadcast against x */
    static NDArray perExample(NDArray values, NDArray x) {
        long[] shape = new long[x.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = x.getShape().get(0);
        return values.reshape(new Shape(shape));
    }
}
