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
 * Unadjusted Langevin dynamics at one noise level: from x ~ p_T, with t the time of the level sigma
 * (sigma(t) = sigma),
 *
 * <pre>
 *   x &lt;- x + eta s(x, t) + sqrt(2 eta) z,   z ~ N(0, I),
 * </pre>
 *
 * whose stationary law is p_t as eta -&gt; 0; then, with {@code denoise_last}, Tweedie's x &lt;- (x + sigma^2 s(x,
 * t)) / alpha(t). At a small sigma the chain cannot cross between separated modes, so it finds each
 * mode but not its weight (Song and Ermon 2019, section 3.2.2); annealing over many levels fixes that.
 * Costs {@code steps} score evaluations, plus one when denoising.
 */
public final class LangevinSampler implements Sampler {

    private final double sigma;
    private final int steps;
    private final double stepSize;
    private final boolean denoiseLast;

    @Inject
    LangevinSampler(@Named("sampler") Options options) {
        this(options.positiveDouble("sigma"), options.positiveInt("steps"), options.positiveDouble("step_size"),
                options.getBoolean("denoise_last"));
    }

    /**
     * @param sigma the noise level, within the schedule's range [sigma(t_eps), sigma(T)]
     * @param steps the number of Langevin steps, at least 1
     * @param stepSize eta, positive
     * @param denoiseLast whether to end with a Tweedie step
     */
    public LangevinSampler(double sigma, int steps, double stepSize, boolean denoiseLast) {
        if (!(sigma > 0 && Double.isFinite(sigma) && steps >= 1 && stepSize > 0 && Double.isFinite(stepSize))) {
            throw new ScorelabException("langevin needs sigma > 0, steps >= 1 and step_size > 0, got sigma = " + sigma
                    + ", steps = " + steps + ", step_size = " + stepSize);
        }
        this.sigma = sigma;
        this.steps = steps;
        this.stepSize = stepSize;
        this.denoiseLast = denoiseLast;
    }

    @Override
    public SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        double time = timeOf(schedule, sigma);
        ReverseProcess process = new ReverseProcess(model, schedule, noise, manager);
        NDArray x = process.start(schedule.samplePrior(manager, shape, noise), schedule.tMax());
        for (int k = 0; k < steps; k++) {
            x = process.advance(x, time, y -> y.add(process.score(y, time).mul(stepSize))
                    .add(process.noise(y).mul(Math.sqrt(2 * stepSize))));
        }
        if (denoiseLast) {
            x = process.advance(x, 0, y -> process.posteriorMean(y, time));
        }
        return process.result(x);
    }

    /** @return the time of the level, or an error that names the option and the schedule's range */
    private static double timeOf(NoiseSchedule schedule, double sigma) {
        try {
            return schedule.timeOfSigma(sigma);
        } catch (ScorelabException e) {
            throw new ScorelabException("sampler.sigma = " + sigma + " is outside the noise levels of the schedule, ["
                    + schedule.sigmaAt(schedule.tMin()) + ", " + schedule.sigmaAt(schedule.tMax()) + "]", e);
        }
    }
}
