package io.scorelab.plugins.schedules;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.ScorelabException;

/**
 * A discrete alpha_bar table (DDPM's forward chain x_i = sqrt(1 - beta_i) x_{i-1} + sqrt(beta_i) z,
 * i = 1, ..., N) on the time grid t_i = i / N:
 *
 * <pre>
 *   alpha_bar_i = prod_{j <= i} (1 - beta_j),   alpha(t_i) = sqrt(alpha_bar_i),   sigma(t_i) = sqrt(1 - alpha_bar_i),
 *   ln alpha_bar(t) linear in t between grid points, with alpha_bar(0) = 1,
 *   dx = -beta(t) x / 2 dt + sqrt(beta(t)) dW,   beta(t) = -N ln(1 - beta_i) for t in (t_{i-1}, t_i].
 * </pre>
 *
 * beta(t) = -d ln alpha_bar / dt, so the SDE's marginals are exactly the interpolated table and
 * DDPM's step from t_{i-1} to t_i is its exact transition; to first order in beta_i it is the
 * N beta_i of Song et al. 2021. Times outside [0, 1] are clamped; a time within 1e-3 grid steps
 * above t_i counts as t_i, so that float32 grid times get their own interval's beta. tMin = 1 / N,
 * tMax = 1; training draws grid times uniformly; the prior is N(0, I).
 */
abstract class DiscreteSchedule implements NoiseSchedule {

    /** How far above a grid point (in grid steps) a time still belongs to the interval below it. */
    private static final double SNAP = 1e-3;

    private final int steps;
    private final double[] betas;
    /** ln alpha_bar_i for i = 0, ..., N, with ln alpha_bar_0 = 0. */
    private final double[] logAlphaBar;
    /** beta(t) = -N ln(1 - beta_i) on (t_{i-1}, t_i], for i = 1, ..., N. */
    private final double[] rates;

    /** @param betas beta_1, ..., beta_N, each in (0, 1) */
    DiscreteSchedule(double[] betas) {
        this.steps = betas.length;
        this.betas = betas.clone();
        this.logAlphaBar = new double[steps + 1];
        this.rates = new double[steps];
        for (int i = 0; i < steps; i++) {
            logAlphaBar[i + 1] = logAlphaBar[i] + Math.log1p(-betas[i]);
            rates[i] = -steps * Math.log1p(-betas[i]);
        }
    }

    /** @return the number of steps N at {@code steps}, at least 2 */
    static int steps(Options options) {
        int steps = options.getInt("steps");
        if (steps < 2) {
            throw options.invalid("steps", "an integer >= 2");
        }
        return steps;
    }

    /** @return the number at {@code key}, which must lie strictly between 0 and 1 */
    static double openUnit(Options options, String key) {
        double value = options.getDouble(key);
        if (!(value > 0 && value < 1)) {
            throw options.invalid(key, "a number in (0, 1)");
        }
        return value;
    }

    /** @return beta_1, ..., beta_N */
    public double[] betas() {
        return betas.clone();
    }

    /** @return alpha_bar_1, ..., alpha_bar_N, the values at t_1, ..., t_N */
    public double[] alphaBars() {
        double[] alphaBars = new double[steps];
        for (int i = 0; i < steps; i++) {
            alphaBars[i] = Math.exp(logAlphaBar[i + 1]);
        }
        return alphaBars;
    }

    /** @return ln alpha_bar(t), interpolated linearly in t, in float64 */
    private NDArray logAlphaBar(NDArray t) {
        NDArray u = t.toType(DataType.FLOAT64, false).mul(steps).clip(0, steps);
        NDArray left = u.floor().clip(0, steps - 1);
        NDArray index = left.toType(DataType.INT64, false);
        NDArray table = t.getManager().create(logAlphaBar);
        NDArray below = table.take(index);
        return below.add(table.take(index.add(1)).sub(below).mul(u.sub(left)));
    }

    private double logAlphaBarAt(double t) {
        double u = Math.min(Math.max(t * steps, 0), steps);
        int left = Math.min((int) Math.floor(u), steps - 1);
        return logAlphaBar[left] + (u - left) * (logAlphaBar[left + 1] - logAlphaBar[left]);
    }

    /** @return beta(t) = -N ln(1 - beta_i) of the interval (t_{i-1}, t_i] holding t, in t's type */
    private NDArray beta(NDArray t) {
        NDArray index = t.toType(DataType.FLOAT64, false).mul(steps).sub(SNAP).ceil().sub(1)
                .clip(0, steps - 1).toType(DataType.INT64, false);
        return t.getManager().create(rates).take(index).toType(t.getDataType(), false);
    }

    @Override
    public double tMin() {
        return 1.0 / steps;
    }

    @Override
    public double tMax() {
        return 1.0;
    }

    @Override
    public NDArray alpha(NDArray t) {
        return logAlphaBar(t).mul(0.5).exp().toType(t.getDataType(), false);
    }

    @Override
    public NDArray sigma(NDArray t) {
        return logAlphaBar(t).exp().neg().add(1).sqrt().toType(t.getDataType(), false);
    }

    @Override
    public NDArray drift(NDArray x, NDArray t) {
        long n = x.getShape().get(0);
        return x.reshape(n, -1).mul(beta(t).mul(-0.5).reshape(n, 1)).reshape(x.getShape());
    }

    @Override
    public NDArray diffusion(NDArray t) {
        return beta(t).sqrt();
    }

    @Override
    public NDArray sampleTrainingTimes(NDManager manager, int n) {
        NDArray index = manager.randomInteger(1, steps + 1, new Shape(n), DataType.INT64);
        return index.toType(DataType.FLOAT32, false).div(steps);
    }

    @Override
    public NDArray samplePrior(NDManager manager, Shape shape, SampleNoise noise) {
        return GaussianPrior.sample(manager, shape, 1.0, noise);
    }

    @Override
    public NDArray priorLogDensity(NDArray x) {
        return GaussianPrior.logDensity(x, 1.0);
    }

    /**
     * Returns the grid t_N = 1 > ... > t_1 = 1 / N, or for fewer steps K < N the K grid times
     * t_{i_k} with i_k = N - round(k (N - 1) / (K - 1)), k = 0, ..., K - 1: evenly spaced, both
     * ends included (K = 1 gives t_N alone).
     */
    @Override
    public double[] discretization(int steps) {
        if (steps < 1) {
            throw new ScorelabException("a discretization needs at least 1 step, got " + steps);
        }
        int count = Math.min(steps, this.steps);
        double[] times = new double[count];
        for (int k = 0; k < count; k++) {
            long offset = count == 1 ? 0 : (2L * k * (this.steps - 1) + (count - 1)) / (2L * (count - 1));
            times[k] = (double) (this.steps - offset) / this.steps;
        }
        return times;
    }

    @Override
    public double sigmaAt(double t) {
        return Math.sqrt(-Math.expm1(logAlphaBarAt(t)));
    }

    @Override
    public double alphaAt(double t) {
        return Math.exp(0.5 * logAlphaBarAt(t));
    }
}
