package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;
import java.util.List;
import java.util.Locale;

/**
 * Continuous-time denoising score matching of Song et al. 2021 (eq. 7), as their score_sde code
 * computes it for the ve, vp and sub-vp SDEs:
 *
 * <pre>
 *   J(theta) = E_t E_{x_0, z} lambda(t) reduce( (s_theta(x_t, t) + z / sigma(t))^2 ),
 *   x_t = alpha(t) x_0 + sigma(t) z,   t ~ the schedule's training times (uniform on [t_eps, T]),
 *   weighting = sigma2:      lambda(t) reduce((s + z / sigma)^2) = reduce((sigma s + z)^2)
 *   weighting = likelihood:  lambda(t) = g(t)^2     (Song et al. 2021b: J bounds the negative log-likelihood)
 *   reduce = sum:   1/2 sum over the dimensions      (score_sde's reduce_mean = False)
 *   reduce = mean:  mean over the dimensions         (score_sde's reduce_mean = True)
 * </pre>
 *
 * The loss is the batch mean of the per-example terms. With weighting = sigma2 and reduce = sum it
 * is {@link NcsnLoss}'s objective on a continuous schedule.
 */
public final class SdeLoss extends NoisedLoss {

    /** How each time's term is weighted. */
    public enum Weighting {
        /** lambda(t) = sigma(t)^2: every time's term is O(1). */
        SIGMA2,
        /** lambda(t) = g(t)^2: the likelihood weighting. */
        LIKELIHOOD
    }

    /** How the squares are reduced over the dimensions of an example. */
    public enum Reduce {
        /** 1/2 sum over the dimensions. */
        SUM,
        /** the mean over the dimensions. */
        MEAN
    }

    private final Weighting weighting;
    private final Reduce reduce;

    @Inject
    SdeLoss(@Named("loss") Options options) {
        this(Weighting.valueOf(options.oneOf("weighting", List.of("sigma2", "likelihood")).toUpperCase(Locale.ROOT)),
                Reduce.valueOf(options.oneOf("reduce", List.of("sum", "mean")).toUpperCase(Locale.ROOT)));
    }

    /**
     * @param weighting lambda(t)
     * @param reduce the reduction over the dimensions
     */
    public SdeLoss(Weighting weighting, Reduce reduce) {
        this.weighting = weighting;
        this.reduce = reduce;
    }

    @Override
    NDArray term(ScoreFunction model, NoiseSchedule schedule, NoisedBatch batch) {
        NDArray score = model.score(batch.xt(), batch.t());
        NDArray sigma = batch.column(batch.sigma());
        if (weighting == Weighting.SIGMA2) {
            return reduced(score.mul(sigma).add(batch.z()).square());
        }
        return reduced(score.add(batch.z().div(sigma)).square()).mul(schedule.diffusion(batch.t()).square());
    }

    private NDArray reduced(NDArray squares) {
        return reduce == Reduce.MEAN ? meanOverDims(squares) : half(sumOverDims(squares));
    }
}
