package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;

/**
 * One Langevin step at level i of a {@link ForwardChain}, the correctors of score_sde's {@code
 * sampling.py}: with s = s(x, t_i) and z ~ N(0, I),
 *
 * <pre>
 *   x_mean = x + eps_i s,   x = x_mean + sqrt(2 eps_i) z,
 *   langevin:  eps_i = 2 r_i (snr ||z|| / ||s||)^2   (||.|| the per-example L2 norm averaged over the batch)
 *   ald:       eps_i = 2 r_i (snr sigma_i)^2
 *   r_i = a_i^2 = alpha_i^2 / alpha_{i+1}^2   (1 - beta_i for VP, 1 for VE)
 * </pre>
 *
 * The Langevin corrector chooses its step so that the drift eps s is snr times as long as the noise
 * sqrt(2 eps) z (for r = 1: sqrt(eps / 2) ||s|| / ||z|| = snr); ALD (NCSN's annealed Langevin) takes the
 * same step from the noise level alone, as ||s|| is about sqrt(d) / sigma and ||z|| about sqrt(d). With
 * {@code mean} the step returns x_mean. The Langevin corrector's batch-mean norms (score_sde's) couple the
 * samples of a batch: a sample drawn alone meets the same noise but takes other steps; ALD's steps do not
 * depend on the batch.
 */
enum Corrector {
    LANGEVIN("langevin") {
        @Override
        NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x, double snr, boolean mean) {
            NDArray score = process.score(x, chain.time(i));
            NDArray noise = process.noise(x);
            double r = chain.meanRatio(i) * chain.meanRatio(i);
            NDArray ratio = meanNorm(noise).div(meanNorm(score)).mul(snr);
            NDArray eps = ratio.square().mul(2 * r);
            NDArray xMean = x.add(score.mul(eps));
            return mean ? xMean : xMean.add(noise.mul(eps.mul(2).sqrt()));
        }
    },
    ALD("ald") {
        @Override
        NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x, double snr, boolean mean) {
            double r = chain.meanRatio(i) * chain.meanRatio(i);
            double level = snr * chain.sigma(i);
            double eps = 2 * r * level * level;
            NDArray xMean = x.add(process.score(x, chain.time(i)).mul(eps));
            return mean ? xMean : xMean.add(process.noise(x).mul(Math.sqrt(2 * eps)));
        }
    },
    NONE("none") {
        @Override
        NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x, double snr, boolean mean) {
            return x;
        }
    };

    private final String key;

    Corrector(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(Corrector::key).toList();
    }

    static Corrector of(String key) {
        return Arrays.stream(values()).filter(c -> c.key.equals(key)).findFirst().orElseThrow();
    }

    /** @return the batch mean of the per-example L2 norms, a scalar on the device */
    private static NDArray meanNorm(NDArray batch) {
        return batch.reshape(batch.getShape().get(0), -1).square().sum(new int[] {1}).sqrt().mean();
    }

    /**
     * @param process the score, the schedule and the run's manager
     * @param chain the levels
     * @param i the level, in [0, N)
     * @param x the state
     * @param snr the target signal-to-noise ratio
     * @param mean return x_mean, without noise
     * @return the corrected state, still at level i
     */
    abstract NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x, double snr, boolean mean);
}
