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
import java.util.ArrayList;
import java.util.List;

/**
 * Predictor-corrector sampling (Song et al. 2021, Algorithms 2 and 3): at each level t_i of the
 * schedule's discretization T = t_0 &gt; ... &gt; t_{N-1} = t_eps, K corrector steps at t_i and then one
 * predictor step to t_{i+1} (the data after the last level):
 *
 * <pre>
 *   corrector (K times):  x &lt;- x + eps_i s(x, t_i) + sqrt(2 eps_i) z,
 *                         langevin: eps_i = 2 r_i (snr ||z|| / ||s||)^2,   ald: eps_i = 2 r_i (snr sigma_i)^2,
 *                         r_i = alpha_i^2 / alpha_{i+1}^2   (batch-mean norms; r = 1 for VE, 1 - beta_i for VP)
 *   predictor:            euler_maruyama | reverse_diffusion | ancestral | none (see {@link Predictor})
 * </pre>
 *
 * {@code auto} picks score_sde's choice for the schedule: reverse_diffusion with the langevin corrector
 * for variance-exploding schedules (alpha = 1), euler_maruyama with no corrector otherwise (VP,
 * sub-VP, DDPM). With {@code denoise_last} the last update returns its mean. Costs N (K + 1) score
 * evaluations (N K with predictor none, N with corrector none). The langevin corrector's batch-mean norms
 * couple the samples of a batch, so there sample k drawn alone differs from sample k of a batch (see
 * {@link io.scorelab.api.Sampler}); every other combination reproduces it exactly.
 */
public final class PcSampler implements Sampler {

    static final String AUTO = "auto";

    private final int steps;
    private final String predictor;
    private final String corrector;
    private final int correctorSteps;
    private final double snr;
    private final boolean denoiseLast;

    @Inject
    PcSampler(@Named("sampler") Options options) {
        this(options.positiveInt("steps"), options.oneOf("predictor", withAuto(Predictor.keys())),
                options.oneOf("corrector", withAuto(Corrector.keys())), options.positiveInt("corrector_steps"),
                options.positiveDouble("snr"), options.getBoolean("denoise_last"));
    }

    /**
     * @param steps the number of levels N, at least 1 (a discrete schedule may return fewer)
     * @param predictor auto, euler_maruyama, reverse_diffusion, ancestral or none
     * @param corrector auto, langevin, ald or none
     * @param correctorSteps K, the corrector steps at each level, at least 1
     * @param snr the corrector's signal-to-noise ratio, positive
     * @param denoiseLast whether the last update drops its noise
     */
    public PcSampler(
            int steps, String predictor, String corrector, int correctorSteps, double snr, boolean denoiseLast) {
        if (!withAuto(Predictor.keys()).contains(predictor) || !withAuto(Corrector.keys()).contains(corrector)) {
            throw new ScorelabException("pc: no predictor '" + predictor + "' or no corrector '" + corrector
                    + "'; predictors: " + String.join(", ", withAuto(Predictor.keys()))
                    + "; correctors: " + String.join(", ", withAuto(Corrector.keys())));
        }
        if (!(steps >= 1 && correctorSteps >= 1 && snr > 0 && Double.isFinite(snr))) {
            throw new ScorelabException("pc needs steps >= 1, corrector_steps >= 1 and snr > 0, got steps = " + steps
                    + ", corrector_steps = " + correctorSteps + ", snr = " + snr);
        }
        this.steps = steps;
        this.predictor = predictor;
        this.corrector = corrector;
        this.correctorSteps = correctorSteps;
        this.snr = snr;
        this.denoiseLast = denoiseLast;
    }

    private static List<String> withAuto(List<String> keys) {
        List<String> choices = new ArrayList<>(keys.size() + 1);
        choices.add(AUTO);
        choices.addAll(keys);
        return choices;
    }

    @Override
    public SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        return loop(schedule).sample(model, schedule, noise, manager, shape);
    }

    /** @return the loop with auto resolved for this schedule */
    PredictorCorrector loop(NoiseSchedule schedule) {
        boolean varianceExploding = ForwardChain.of(schedule, schedule.discretization(steps)).varianceExploding();
        Predictor p = !predictor.equals(AUTO) ? Predictor.of(predictor)
                : varianceExploding ? Predictor.REVERSE_DIFFUSION : Predictor.EULER_MARUYAMA;
        Corrector c = !corrector.equals(AUTO) ? Corrector.of(corrector)
                : varianceExploding ? Corrector.LANGEVIN : Corrector.NONE;
        return new PredictorCorrector(p, c, steps, correctorSteps, snr, denoiseLast);
    }
}
