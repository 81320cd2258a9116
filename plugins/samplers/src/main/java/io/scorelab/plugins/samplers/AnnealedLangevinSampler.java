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
 * Annealed Langevin dynamics (Song and Ermon 2019, Algorithm 1). From x ~ p_T (the schedule's prior),
 * for each noise level i = 1..L in the order of the schedule's discretization t_1 &gt; ... &gt; t_L,
 * with sigma_i = sigma(t_i), T times:
 *
 * <pre>
 *   x &lt;- x + (alpha_i / 2) s(x, t_i) + sqrt(alpha_i) z,   z ~ N(0, I),   alpha_i = eps sigma_i^2 / sigma_L^2,
 * </pre>
 *
 * then, with {@code denoise_last}, one Tweedie step to the posterior mean E[x_0 | x] (Tweedie 1956; exact
 * for the true score):
 *
 * <pre>
 *   x &lt;- (x + sigma_L^2 s(x, t_L)) / alpha(t_L)        (alpha(t) = 1 for variance-exploding schedules).
 * </pre>
 *
 * The step alpha_i scales with sigma_i^2 so that the signal-to-noise ratio of each update is the
 * same at every level. Costs L T score evaluations per sample, plus one when denoising.
 */
public final class AnnealedLangevinSampler implements Sampler {

    private final int stepsPerLevel;
    private final double stepLr;
    private final boolean denoiseLast;
    private final int levels;

    @Inject
    AnnealedLangevinSampler(@Named("sampler") Options options) {
        this(options.positiveInt("steps_per_level"), options.positiveDouble("step_lr"),
                options.getBoolean("denoise_last"), readLevels(options));
    }

    /**
     * @param stepsPerLevel the Langevin steps T at each level, at least 1
     * @param stepLr eps, the step size at the smallest level, positive
     * @param denoiseLast whether to end with a Tweedie denoising step
     * @param levels the number of levels L asked of a continuous schedule, at least 2; a discrete schedule
     *     returns its own grid instead
     */
    public AnnealedLangevinSampler(int stepsPerLevel, double stepLr, boolean denoiseLast, int levels) {
        if (!(stepsPerLevel >= 1 && stepLr > 0 && Double.isFinite(stepLr) && levels >= 2)) {
            throw new ScorelabException("annealed_langevin needs steps_per_level >= 1, step_lr > 0 and levels >= 2, got "
                    + "steps_per_level = " + stepsPerLevel + ", step_lr = " + stepLr + ", levels = " + levels);
        }
        this.stepsPerLevel = stepsPerLevel;
        this.stepLr = stepLr;
        this.denoiseLast = denoiseLast;
        this.levels = levels;
    }

    private static int readLevels(Options options) {
        int levels = options.getInt("levels");
        if (levels < 2) {
            throw options.invalid("levels", "an integer >= 2");
        }
        return levels;
    }

    @Override
    public SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        double[] times = schedule.discretization(levels);
        double lastTime = times[times.length - 1];
        double lastSigma = schedule.sigmaAt(lastTime);
        ReverseProcess process = new ReverseProcess(model, schedule, noise, manager);
        NDArray x = process.start(schedule.samplePrior(manager, shape, noise), schedule.tMax());
        for (double time : times) {
            double sigma = schedule.sigmaAt(time);
            double alpha = stepLr * sigma * sigma / (lastSigma * lastSigma);
            for (int i = 0; i < stepsPerLevel; i++) {
                x = process.advance(x, time, y -> y.add(process.score(y, time).mul(alpha / 2))
                        .add(process.noise(y).mul(Math.sqrt(alpha))));
            }
        }
        if (denoiseLast) {
            x = process.advance(x, 0, y -> process.posteriorMean(y, lastTime));
        }
        return process.result(x);
    }
}
