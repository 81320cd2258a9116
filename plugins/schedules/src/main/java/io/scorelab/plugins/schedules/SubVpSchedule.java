package io.scorelab.plugins.schedules;

import ai.djl.ndarray.NDArray;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Options;

/**
 * The sub-VP SDE of Song et al. 2021: VP's drift with a smaller diffusion,
 *
 * <pre>
 *   dx = -beta(t) x / 2 dt + sqrt(beta(t) (1 - exp(-2 beta_min t - (beta_max - beta_min) t^2))) dW,
 *   alpha(t) = m(t),   sigma(t) = 1 - m(t)^2   (no square root),
 * </pre>
 *
 * whose variance stays below VP's at every t (note -2 beta_min t - (beta_max - beta_min) t^2 = 4 ln m).
 */
public final class SubVpSchedule extends LinearBetaSchedule {

    @Inject
    SubVpSchedule(@Named("schedule") Options options) {
        super(options);
    }

    /**
     * @param betaMin beta(0)
     * @param betaMax beta(1)
     * @param tEps the smallest sampling time
     * @param trainTEps the smallest training time
     */
    public SubVpSchedule(double betaMin, double betaMax, double tEps, double trainTEps) {
        super(betaMin, betaMax, tEps, trainTEps);
    }

    @Override
    public NDArray sigma(NDArray t) {
        return logMean(t).mul(2).exp().neg().add(1).toType(t.getDataType(), false);
    }

    @Override
    public NDArray diffusion(NDArray t) {
        NDArray discount = logMean(t).mul(4).exp().neg().add(1).toType(t.getDataType(), false);
        return beta(t).mul(discount).sqrt();
    }

    @Override
    NDArray logMeanOfSigma(NDArray sigma) {
        return sigma.neg().add(1).log().mul(0.5);
    }

    @Override
    public double sigmaAt(double t) {
        return -Math.expm1(2 * logMeanAt(t));
    }
}
