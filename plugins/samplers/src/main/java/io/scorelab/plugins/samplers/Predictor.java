package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;

/**
 * One step of a reverse-time predictor from level i to level i + 1 of a {@link ForwardChain} (Song et
 * al. 2021, the predictors of score_sde's {@code sampling.py}), with s = s(x, t_i) and z ~ N(0, I):
 *
 * <pre>
 *   euler_maruyama:     x_mean = x - [f(x, t_i) - g(t_i)^2 s] h_i,   x = x_mean + g(t_i) sqrt(h_i) z,   h_i = t_i - t_{i+1}
 *   reverse_diffusion:  x_mean = x - f_i + G_i^2 s,   f_i = (a_i - 1) x,   x = x_mean + G_i z
 *   ancestral:          x_mean = (x + G_i^2 s) / a_i,
 *                       x = x_mean + sigma_{i+1} G_i / sigma_i z   (variance exploding: NCSN's posterior std),
 *                       x = x_mean + G_i z                         (otherwise: DDPM's sigma_t^2 = beta_t)
 *   none:               x unchanged (no score evaluation)
 * </pre>
 *
 * With {@code mean} the step returns x_mean and draws no noise.
 */
enum Predictor {
    EULER_MARUYAMA("euler_maruyama") {
        @Override
        NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x, boolean mean) {
            double t = chain.time(i);
            double h = t - chain.time(i + 1);
            NDArray g2 = process.diffusionSquared(x, t);
            NDArray reverseDrift = process.drift(x, t).sub(process.score(x, t).mul(g2));
            NDArray xMean = x.sub(reverseDrift.mul(h));
            return mean ? xMean : xMean.add(process.noise(x).mul(g2.mul(h).sqrt()));
        }
    },
    REVERSE_DIFFUSION("reverse_diffusion") {
        @Override
        NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x, boolean mean) {
            double variance = chain.stepVariance(i);
            NDArray xMean = x.mul(2 - chain.meanRatio(i)).add(process.score(x, chain.time(i)).mul(variance));
            return mean ? xMean : xMean.add(process.noise(x).mul(Math.sqrt(variance)));
        }
    },
    ANCESTRAL("ancestral") {
        @Override
        NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x, boolean mean) {
            double variance = chain.stepVariance(i);
            NDArray xMean = x.add(process.score(x, chain.time(i)).mul(variance)).div(chain.meanRatio(i));
            if (mean) {
                return xMean;
            }
            double std = chain.varianceExploding()
                    ? chain.sigma(i + 1) * Math.sqrt(variance) / chain.sigma(i)
                    : Math.sqrt(variance);
            return xMean.add(process.noise(x).mul(std));
        }
    },
    NONE("none") {
        @Override
        NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x, boolean mean) {
            return x;
        }
    };

    private final String key;

    Predictor(String key) {
        this.key = key;
    }

    /** @return the name configs use */
    String key() {
        return key;
    }

    /** @return the names configs use, in declaration order */
    static List<String> keys() {
        return Arrays.stream(values()).map(Predictor::key).toList();
    }

    /** @return the predictor with this name */
    static Predictor of(String key) {
        return Arrays.stream(values()).filter(p -> p.key.equals(key)).findFirst().orElseThrow();
    }

    /**
     * @param process the score, the schedule and the run's manager
     * @param chain the levels
     * @param i the level the step starts from, in [0, N)
     * @param x the state at level i
     * @param mean return x_mean, without noise
     * @return the state at level i + 1
     */
    abstract NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x, boolean mean);
}
