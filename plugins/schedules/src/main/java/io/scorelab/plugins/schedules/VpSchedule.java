package io.scorelab.plugins.schedules;

import ai.djl.ndarray.NDArray;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Options;

/**
 * The variance-preserving SDE of Song et al. 2021 (the continuous limit of DDPM):
 *
 * <pre>
 *   dx = -beta(t) x / 2 dt + sqrt(beta(t)) dW,   beta(t) = beta_min + t (beta_max - beta_min),
 *   alpha(t) = m(t),   sigma(t) = sqrt(1 - m(t)^2),
 * </pre>
 *
 * with m(t) = exp(-t^2 (beta_max - beta_min) / 4 - t beta_min / 2), so alpha^2 + sigma^2 = 1.
 */
public final class VpSchedule extends LinearBetaSchedule {

    @Inject
    VpSchedule(@Named("schedule") Options options) {
        super(options);
    }

    /**
     * @param betaMin beta(0)
     * @param betaMax beta(1)
     * @param tEps the smallest sampling time
     * @param trainTEps the smallest training time
     */
    public VpSchedule(double betaMin, double betaMax, double tEps, double trainTEps) {
        super(betaMin, betaMax, tEps, trainTEps);
    }

    @Override
    public NDArray sigma(NDArray t) {
        return logMean(t).mul(2).exp().neg().add(1).sqrt().toType(t.getDataType(), false);
    }

    @Override
    public NDArray diffusion(NDArray t) {
        return beta(t).sqrt();
    }

    @Override
    NDArray logMeanOfSigma(NDArray sigma) {
        return sigma.square().neg().add(1).log().mul(0.5);
    }

    @Override
    public double sigmaAt(double t) {
        return Math.sqrt(-Math.expm1(2 * logMeanAt(t)));
    }
}
