package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.AnalyticDensity;
import io.scorelab.api.Dataset;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;

/**
 * Explicit score matching (Hyvärinen 2005, eq. 1) against the exact score of the data noised at one
 * level sigma, which toy data sets know in closed form ({@link Dataset#density()}):
 *
 * <pre>
 *   J(theta) = E_{x_0, z} 1/2 || s_theta(x_t, t) - grad_x log p_t(x_t) ||^2,
 *   x_t = alpha(t) x_0 + sigma z,   t = sigma^-1(sigma),
 *   grad_x log p_t(x) = score_{sigma / alpha}(x / alpha) / alpha,
 * </pre>
 *
 * where score_s is the score of the data convolved with N(0, s^2 I). It is the Fisher divergence
 * itself, zero exactly at the true score: the reference against which ism, ssm and dsm (equal to it
 * up to a constant) are checked. The data set is injected; one without an exact density is refused.
 */
public final class EsmLoss extends NoisedLoss {

    private final NoiseLevel level;
    private final AnalyticDensity density;

    @Inject
    EsmLoss(@Named("loss") Options options, Dataset dataset, @Named("dataset") Options datasetOptions) {
        this(options.positiveDouble("sigma"), dataset.density().orElseThrow(() -> new ScorelabException(
                "esm needs a data set with an exact density (gaussian, gmm); " + datasetOptions.getString("name")
                        + " has none")));
    }

    /**
     * @param sigma the noise level, finite and positive
     * @param density the exact density of the data and its noised versions
     */
    public EsmLoss(double sigma, AnalyticDensity density) {
        this.level = new NoiseLevel("esm", sigma);
        this.density = density;
    }

    @Override
    NDArray times(NoiseSchedule schedule, NDManager manager, long n) {
        return level.times(schedule, manager, n);
    }

    /** 1/2 || s(x_t) - score_{sigma / alpha}(x_t / alpha) / alpha ||^2 per example. */
    @Override
    NDArray term(ScoreFunction model, NoiseSchedule schedule, NoisedBatch batch) {
        NDArray alpha = batch.column(batch.alpha());
        NDArray target = density.score(batch.xt().div(alpha), batch.sigma().div(batch.alpha())).div(alpha);
        return halfSquaredNorm(model.score(batch.xt(), batch.t()).sub(target));
    }
}
