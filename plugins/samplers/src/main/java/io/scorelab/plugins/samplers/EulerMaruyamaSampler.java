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
 * The Euler-Maruyama discretization of the reverse-time SDE dx = [f - g^2 s] dt + g dW (Song et al.
 * 2021, eq. 6) on the schedule's discretization t_0 = T &gt; ... &gt; t_{N-1} = t_eps, then t_N = 0:
 *
 * <pre>
 *   x_mean = x - [f(x, t_i) - g(t_i)^2 s(x, t_i)] h_i,   x &lt;- x_mean + g(t_i) sqrt(h_i) z,   h_i = t_i - t_{i+1},
 * </pre>
 *
 * from x ~ p_T; with {@code denoise_last} the last step returns x_mean. Costs N score evaluations.
 */
public final class EulerMaruyamaSampler implements Sampler {

    private final PredictorCorrector loop;

    @Inject
    EulerMaruyamaSampler(@Named("sampler") Options options) {
        this(options.positiveInt("steps"), options.getBoolean("denoise_last"));
    }

    /**
     * @param steps the number of time steps N, at least 1 (a discrete schedule may return fewer)
     * @param denoiseLast whether the last step drops its noise
     */
    public EulerMaruyamaSampler(int steps, boolean denoiseLast) {
        if (steps < 1) {
            throw new ScorelabException("euler_maruyama needs steps >= 1, got " + steps);
        }
        this.loop = new PredictorCorrector(Predictor.EULER_MARUYAMA, Corrector.NONE, steps, 0, 0, denoiseLast);
    }

    @Override
    public SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        return loop.sample(model, schedule, noise, manager, shape);
    }
}
