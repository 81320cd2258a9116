package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.ScoreFunction;

/**
 * The predictor-corrector loop of Song et al. 2021 (Algorithms 2 and 3, score_sde's {@code
 * pc_sampler}): from x ~ p_T, at each level i = 0, ..., N - 1 of the schedule's discretization t_0 = T
 * &gt; ... &gt; t_{N-1} = t_eps, first K corrector steps at t_i, then one predictor step to level i + 1
 * (the data after the last level). With {@code denoise_last} the last update returns its mean.
 *
 * @param predictor the predictor
 * @param corrector the corrector
 * @param steps the number of levels N asked of the schedule (a discrete schedule may return fewer)
 * @param correctorSteps K, ignored when the corrector is none
 * @param snr the corrector's signal-to-noise ratio
 * @param denoiseLast whether the last update drops its noise
 */
record PredictorCorrector(
        Predictor predictor, Corrector corrector, int steps, int correctorSteps, double snr, boolean denoiseLast) {

    /** Costs N (K + 1) score evaluations, N K with predictor none, N with corrector none. */
    SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        ForwardChain chain = ForwardChain.of(schedule, schedule.discretization(steps));
        ReverseProcess process = new ReverseProcess(model, schedule, noise, manager);
        int corrections = corrector == Corrector.NONE ? 0 : correctorSteps;
        NDArray x = process.start(schedule.samplePrior(manager, shape, noise), chain.time(0));
        int levels = chain.steps();
        for (int i = 0; i < levels; i++) {
            int level = i;
            boolean last = i == levels - 1;
            for (int k = 0; k < corrections; k++) {
                boolean mean = denoiseLast && last && k == corrections - 1 && predictor == Predictor.NONE;
                x = process.advance(x, chain.time(level), y -> corrector.step(process, chain, level, y, snr, mean));
            }
            if (predictor != Predictor.NONE) {
                boolean mean = denoiseLast && last;
                x = process.advance(x, chain.time(level + 1), y -> predictor.step(process, chain, level, y, mean));
            }
        }
        return process.result(x);
    }
}
