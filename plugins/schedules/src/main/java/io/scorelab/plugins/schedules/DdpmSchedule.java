package io.scorelab.plugins.schedules;

import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;

/**
 * DDPM's linear betas (Ho et al. 2020):
 *
 * <pre>
 *   beta_i = beta_start + (beta_end - beta_start) (i - 1) / (N - 1),   i = 1, ..., N,
 *   alpha_bar_i = prod_{j <= i} (1 - beta_j),   x_i = sqrt(alpha_bar_i) x_0 + sqrt(1 - alpha_bar_i) z,
 * </pre>
 *
 * on the time grid t_i = i / N, with ln alpha_bar linear in t between grid points and the VP SDE
 * dx = -beta(t) x / 2 dt + sqrt(beta(t)) dW, beta(t) = -N ln(1 - beta_i) on (t_{i-1}, t_i] (the
 * table's own SDE: see docs/schedules.md). The defaults (1e-4, 0.02, N = 1000) end at alpha_bar_N = 4.04e-5.
 */
public final class DdpmSchedule extends DiscreteSchedule {

    @Inject
    DdpmSchedule(@Named("schedule") Options options) {
        this(openUnit(options, "beta_start"), betaEnd(options), steps(options));
    }

    private static double betaEnd(Options options) {
        double betaEnd = openUnit(options, "beta_end");
        double betaStart = openUnit(options, "beta_start");
        if (betaEnd < betaStart) {
            throw options.invalid("beta_end", "a number >= schedule.beta_start = " + betaStart);
        }
        return betaEnd;
    }

    /**
     * @param betaStart beta_1, in (0, 1)
     * @param betaEnd beta_N, in [beta_start, 1)
     * @param steps the number of steps N, at least 2
     */
    public DdpmSchedule(double betaStart, double betaEnd, int steps) {
        super(betas(betaStart, betaEnd, steps));
    }

    private static double[] betas(double betaStart, double betaEnd, int steps) {
        if (!(betaStart > 0 && betaEnd >= betaStart && betaEnd < 1 && steps >= 2)) {
            throw new ScorelabException("ddpm schedule needs 0 < beta_start <= beta_end < 1 and steps >= 2, got "
                    + "beta_start = " + betaStart + ", beta_end = " + betaEnd + ", steps = " + steps);
        }
        double[] betas = new double[steps];
        for (int i = 0; i < steps; i++) {
            betas[i] = betaStart + (betaEnd - betaStart) * i / (steps - 1);
        }
        return betas;
    }
}
