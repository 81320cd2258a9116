package io.scorelab.plugins.samplers;

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
 * Ancestral sampling (Ho et al. 2020, Algorithm 2 in score form; score_sde's {@code
 * AncestralSamplingPredictor}) on the forward chain x_i = a_i x_{i+1} + G_i z of the schedule's
 * discretization (see {@link ForwardChain}; the last level steps to the data):
 *
 * <pre>
 *   x_mean = (x + G_i^2 s(x, t_i)) / a_i,
 *   VP and every schedule with alpha != 1:  x &lt;- x_mean + G_i z             ((x + beta_t s) / sqrt(1 - beta_t) + sqrt(beta_t) z)
 *   VE (alpha = 1):                         x &lt;- x_mean + (sigma_{i+1} / sigma_i) G_i z   (the posterior std of NCSN's chain)
 * </pre>
 *
 * With {@code denoise_last} the last step returns x_mean. Costs N score evaluations.
 */
public final class AncestralSampler implements Sampler {

    private final PredictorCorrector loop;

    @Inject
    AncestralSampler(@Named("sampler") Options options) {
        this(options.positiveInt("steps"), options.getBoolean("denoise_last"));
    }

    /**
     * @param steps the number of levels N, at least 1 (a discrete schedule may return fewer)
     * @param denoiseLast whether the last step drops its noise
     */
    public AncestralSampler(int steps, boolean denoiseLast) {
        if (steps < 1) {
            throw new ScorelabException("ancestral needs steps >= 1, got " + steps);
        }
        this.loop = new PredictorCorrector(Predictor.ANCESTRAL, Corrector.NONE, steps, 0, 0, denoiseLast);
    }

    @Override
    public SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        return loop.sample(model, schedule, noise, manager, shape);
    }
}
