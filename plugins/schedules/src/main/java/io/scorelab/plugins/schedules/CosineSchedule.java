package io.scorelab.plugins.schedules;

import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;

/**
 * The cosine schedule of Nichol and Dhariwal 2021, discretized like DDPM:
 *
 * <pre>
 *   alpha_bar(t) = f(t) / f(0),   f(t) = cos^2(((t + s) / (1 + s)) pi / 2),
 *   beta_i = min(1 - alpha_bar(t_i) / alpha_bar(t_{i-1}), max_beta),   alpha_bar_i = prod_{j <= i} (1 - beta_j),
 * </pre>
 *
 * on the time grid t_i = i / N, so alpha_bar_i = alpha_bar(t_i) until a beta is clipped (with the
 * defaults only the last one, beta_N = 1 - f(1) / f(t_{N-1}) ~ 1). Between grid points ln alpha_bar
 * is linear in t and the SDE is the table's own VP SDE, as for ddpm.
 */
public final class CosineSchedule extends DiscreteSchedule {

    @Inject
    CosineSchedule(@Named("schedule") Options options) {
        this(offset(options), openUnit(options, "max_beta"), steps(options));
    }

    private static double offset(Options options) {
        double s = options.getDouble("s");
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw options.invalid("s", "a finite number >= 0");
        }
        return s;
    }

    /**
     * @param s the offset that keeps beta_1 from vanishing, >= 0
     * @param maxBeta the largest beta, in (0, 1)
     * @param steps the number of steps N, at least 2
     */
    public CosineSchedule(double s, double maxBeta, int steps) {
        super(betas(s, maxBeta, steps));
    }

    private static double[] betas(double s, double maxBeta, int steps) {
        if (!(s >= 0 && !Double.isInfinite(s) && maxBeta > 0 && maxBeta < 1 && steps >= 2)) {
            throw new ScorelabException("cosine schedule needs s >= 0, max_beta in (0, 1) and steps >= 2, got s = "
                    + s + ", max_beta = " + maxBeta + ", steps = " + steps);
        }
        double[] betas = new double[steps];
        for (int i = 0; i < steps; i++) {
            betas[i] = Math.min(1 - f((double) (i + 1) / steps, s) / f((double) i / steps, s), maxBeta);
        }
        return betas;
    }

    /** f(t) = cos^2(((t + s) / (1 + s)) pi / 2); alpha_bar(t) = f(t) / f(0), and the f(0) cancels in beta_i. */
    private static double f(double t, double s) {
        return Math.pow(Math.cos((t + s) / (1 + s) * Math.PI / 2), 2);
    }
}
