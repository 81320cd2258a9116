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
 * The reverse-diffusion predictor of Song et al. 2021 (eq. 46): the reverse of the forward chain
 * x_i = a_i x_{i+1} + G_i z between consecutive levels of the schedule's discretization (see {@link
 * ForwardChain}; the last level steps to the data, sigma = 0),
 *
 * <pre>
 *   x_mean = x - f_i + G_i^2 s(x, t_i),   f_i = (a_i - 1) x,   x &lt;- x_mean + G_i z,
 *   a_i = alpha_i / alpha_{i+1},   G_i^2 = sigma_i^2 - a_i^2 sigma_{i+1}^2,
 * </pre>
 *
 * which is f_i = 0, G_i^2 = sigma_i^2 - sigma_{i+1}^2 for VE and f_i = (sqrt(1 - beta_i) - 1) x, G_i^2 =
 * beta_i for VP. With {@code denoise_last} the last step returns x_mean. Costs N score evaluations.
 */
public final class ReverseDiffusionSampler implements Sampler {

    private final PredictorCorrector loop;

    @Inject
    ReverseDiffusionSampler(@Named("sampler") Options options) {
        this(options.positiveInt("steps"), options.getBoolean("denoise_last"));
    }

    /**
     * @param steps the number of levels N, at least 1 (a discrete schedule may return fewer)
     * @param denoiseLast whether the last step drops its noise
     */
    public ReverseDiffusionSampler(int steps, boolean denoiseLast) {
        if (steps < 1) {
            throw new ScorelabException("reverse_diffusion needs steps >= 1, got " + steps);
        }
        this.loop = new PredictorCorrector(Predictor.REVERSE_DIFFUSION, Corrector.NONE, steps, 0, 0, denoiseLast);
    }

    @Override
    public SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        return loop.sample(model, schedule, noise, manager, shape);
    }
}
