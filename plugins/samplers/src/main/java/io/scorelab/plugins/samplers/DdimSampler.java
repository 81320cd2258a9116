package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.SampleNoise;
import io.scorelab.api.SampleResult;
import io.scorelab.api.Sampler;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import java.util.List;

/**
 * DDIM (Song, Meng and Ermon 2021, eq. 12) on S times t_0 &gt; ... &gt; t_{S-1} chosen by {@code spacing},
 * then the data. With ab = alpha^2 (alpha_bar), eps = -sigma_t s(x, t) and "prev" the next time:
 *
 * <pre>
 *   x0_hat = (x - sqrt(1 - ab_t) eps) / sqrt(ab_t),
 *   sigma_eta = eta sqrt((1 - ab_prev) / (1 - ab_t)) sqrt(1 - ab_t / ab_prev),
 *   x_prev = sqrt(ab_prev) x0_hat + sqrt(1 - ab_prev - sigma_eta^2) eps + sigma_eta z,
 * </pre>
 *
 * written for any schedule with sigma_t in place of sqrt(1 - ab_t) and sigma_eta = eta (sigma_prev /
 * sigma_t) G (G^2 = sigma_t^2 - (alpha_t / alpha_prev)^2 sigma_prev^2, the forward transition's
 * variance; see {@link ForwardChain}), which is the line above for VP and also covers VE. The last
 * step goes to ab_prev = 1, sigma_prev = 0 and returns x0_hat. eta = 0 is deterministic, eta = 1 is
 * DDPM's ancestral step with the posterior variance.
 *
 * <p>Spacing (Lin et al. 2024, table 2), for a discrete schedule with grid t_i, i = 1, ..., N (S at most
 * N), and k = 0, ..., S - 1:
 *
 * <pre>
 *   linspace:  i = 1 + round(k (N - 1) / (S - 1))   (iDDPM's choice; both ends, t_1 and t_N)
 *   leading:   i = 1 + k floor(N / S)             (DDIM's and Stable Diffusion's; never reaches t_N)
 *   trailing:  i = round(N - k N / S)             (DPM-Solver's; starts at t_N, never reaches t_1 unless S = N)
 * </pre>
 *
 * visited from the largest i down. For a continuous schedule on [t_eps, T] with delta = (T - t_eps) / S:
 * linspace is the schedule's own discretization(S) (uniform for ve, vp and subvp; Karras's grid for edm),
 * leading t = t_eps + k delta, trailing t = T - k delta. A schedule counts as discrete when its
 * discretization returns fewer times than asked for. Costs S score evaluations.
 */
public final class DdimSampler implements Sampler {

    static final List<String> SPACINGS = List.of("linspace", "leading", "trailing");
    /** The number of times asked of a schedule to find out whether it has a grid of its own. */
    static final int GRID_PROBE = 1 << 16;

    private final int steps;
    private final double eta;
    private final String spacing;

    @Inject
    DdimSampler(@Named("sampler") Options options) {
        this(options.positiveInt("steps"), nonNegative(options), options.oneOf("spacing", SPACINGS));
    }

    private static double nonNegative(Options options) {
        double eta = options.getDouble("eta");
        if (!(eta >= 0) || Double.isInfinite(eta)) {
            throw options.invalid("eta", "a number >= 0 (0: deterministic DDIM, 1: DDPM)");
        }
        return eta;
    }

    /**
     * @param steps S, at least 1
     * @param eta the stochasticity, at least 0
     * @param spacing linspace, leading or trailing
     */
    public DdimSampler(int steps, double eta, String spacing) {
        if (!SPACINGS.contains(spacing)) {
            throw new ScorelabException("ddim: no spacing '" + spacing + "'; spacings: " + String.join(", ", SPACINGS));
        }
        if (!(steps >= 1 && eta >= 0 && Double.isFinite(eta))) {
            throw new ScorelabException("ddim needs steps >= 1 and eta >= 0, got steps = " + steps + ", eta = " + eta);
        }
        this.steps = steps;
        this.eta = eta;
        this.spacing = spacing;
    }

    @Override
    public SampleResult sample(
            ScoreFunction model, NoiseSchedule schedule, SampleNoise noise, NDManager manager, Shape shape) {
        ForwardChain chain = ForwardChain.of(schedule, times(schedule));
        ReverseProcess process = new ReverseProcess(model, schedule, noise, manager);
        NDArray x = process.start(schedule.samplePrior(manager, shape, noise), chain.time(0));
        for (int i = 0; i < chain.steps(); i++) {
            int level = i;
            x = process.advance(x, chain.time(level + 1), y -> step(process, chain, level, y));
        }
        return process.result(x);
    }

    /** @return x at the next time, from x at level i */
    NDArray step(ReverseProcess process, ForwardChain chain, int i, NDArray x) {
        double sigma = chain.sigma(i);
        double sigmaPrev = chain.sigma(i + 1);
        NDArray score = process.score(x, chain.time(i));
        NDArray eps = score.mul(-sigma);
        NDArray x0 = x.sub(eps.mul(sigma)).div(chain.alpha(i));
        double noise = eta * sigmaPrev / sigma * Math.sqrt(chain.stepVariance(i));
        double direction = Math.sqrt(Math.max(0, sigmaPrev * sigmaPrev - noise * noise));
        NDArray prev = x0.mul(chain.alpha(i + 1)).add(eps.mul(direction));
        return noise > 0 ? prev.add(process.noise(x).mul(noise)) : prev;
    }

    /** @return the S decreasing times of the spacing */
    double[] times(NoiseSchedule schedule) {
        double[] grid = schedule.discretization(GRID_PROBE);
        if (grid.length < GRID_PROBE) {
            int n = grid.length;
            int count = Math.min(steps, n);
            double[] times = new double[count];
            for (int k = 0; k < count; k++) {
                int j = count - 1 - k;
                long index = switch (spacing) {
                    case "leading" -> 1 + (long) j * (n / count);
                    case "trailing" -> Math.round(n - (double) k * n / count);
                    default -> count == 1 ? n : 1 + Math.round((double) j * (n - 1) / (count - 1));
                };
                times[k] = grid[(int) (n - index)];
            }
            return times;
        }
        if (spacing.equals("linspace")) {
            return schedule.discretization(steps);
        }
        double delta = (schedule.tMax() - schedule.tMin()) / steps;
        double[] times = new double[steps];
        for (int k = 0; k < steps; k++) {
            times[k] = spacing.equals("leading") ? schedule.tMin() + (steps - 1 - k) * delta : schedule.tMax() - k * delta;
        }
        return times;
    }
}
