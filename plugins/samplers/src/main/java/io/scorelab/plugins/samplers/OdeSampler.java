package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.Sampler;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;

/**
 * The probability-flow ODE (Song et al. 2021, eq. 13), integrated from x_T ~ p_T at t = T down to
 * t_eps:
 *
 * <pre>
 *   dx/dt = f(x, t) - g(t)^2 s(x, t) / 2,
 * </pre>
 *
 * whose solution has the marginals p_t of the forward SDE, so it maps the prior to the data
 * deterministically. Fixed-step solvers ({@code euler}, {@code heun}, {@code rk4}) step between the
 * times of the schedule's discretization into {@code steps} intervals (uniform in t for ve, vp and
 * subvp); {@code rk45} chooses its own steps from T to t_eps (see {@link OdeSolver}). With {@code
 * denoise_last}, a last Tweedie step x &lt;- (x + sigma^2 s(x, t_eps)) / alpha(t_eps). Costs steps, 2
 * steps or 4 steps score evaluations (rk45: 2 + 6 per attempted step), plus one when denoising. rk45's
 * step size comes from the whole batch's error, so sample k drawn alone agrees with sample k of a batch
 * only within the tolerance; the fixed-step solvers reproduce it exactly.
 */
public final class OdeSampler implements Sampler {

    private final OdeSolver solver;
    private final int steps;
    private final double rtol;
    private final double atol;
    private final boolean denoiseLast;

    @Inject
    OdeSampler(@Named("sampler") Options options) {
        this(options.oneOf("solver", OdeSolver.keys()), options.positiveInt("steps"), options.positiveDouble("rtol"),
                options.positiveDouble("atol"), options.getBoolean("denoise_last"));
    }

    /**
     * @param solver euler, heun, rk4 or rk45
     * @param steps the number of fixed steps, at least 1 (ignored by rk45)
     * @param rtol the relative tolerance of rk45, positive
     * @param atol the absolute tolerance of rk45, positive
     * @param denoiseLast whether to end with a Tweedie step at t_eps
     */
    public OdeSampler(String solver, int steps, double rtol, double atol, boolean denoiseLast) {
        if (!OdeSolver.keys().contains(solver)) {
            throw new ScorelabException("ode: no solver '" + solver + "'; solvers: " + String.join(", ", OdeSolver.keys()));
        }
        if (!(steps >= 1 && rtol > 0 && atol > 0 && Double.isFinite(rtol) && Double.isFinite(atol))) {
            throw new ScorelabException("ode needs steps >= 1, rtol > 0 and atol > 0, got steps = " + steps
                    + ", rtol = " + rtol + ", atol = " + atol);
        }
        this.solver = OdeSolver.of(solver);
        this.steps = steps;
        this.rtol = rtol;
        this.atol = atol;
        this.denoiseLast = denoiseLast;
    }

    @Override
    public SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        NDArray prior = schedule.samplePrior(manager, shape, noise);
        SampleResult result = flow(model, schedule, prior);
        prior.close();
        return result;
    }

    /**
     * @param prior x_T, left as it is
     * @return the image of x_T under the flow (and the Tweedie step), owned by x_T's manager
     */
    SampleResult flow(ScoreFunction model, NoiseSchedule schedule, NDArray prior) {
        NDManager manager = prior.getManager();
        ReverseProcess process = new ReverseProcess(model, schedule, manager);
        double[] times = solver.fixedStep() ? schedule.discretization(steps + 1)
                : new double[] {schedule.tMax(), schedule.tMin()};
        process.start(prior, times[0]);
        NDArray x = solver.solve(process::probabilityFlow, prior, times, rtol, atol, manager, process::reached).y();
        if (denoiseLast) {
            x = process.advance(x, 0, y -> process.posteriorMean(y, times[times.length - 1]));
        }
        return process.result(x);
    }
}
