package io.scorelab.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Autograd;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Sliced score matching (Song et al. 2019) at one noise level sigma: implicit score matching with
 * the Jacobian trace replaced by Hutchinson's estimate along M random probes v per example,
 *
 * <pre>
 *   J(theta) = E_{x_0, z} E_v [ v^T grad_x (v^T s_theta(x_t, t)) + 1/2 (v^T s_theta(x_t, t))^2 ],
 *   x_t = alpha(t) x_0 + sigma z,   t = sigma^-1(sigma),   E[v v^T] = I,
 * </pre>
 *
 * and, with variance reduction (SSM-VR), 1/2 ||s_theta||^2 in place of 1/2 (v^T s_theta)^2, whose
 * expectation over v it is. Both equal implicit score matching in expectation over the probes.
 * The batch is replicated M times and one differentiable vector-Jacobian product with cotangent v
 * gives grad_x (v^T s) for all M n rows at once: the cost is one backward pass over M times the
 * batch. Each example's term is the mean over its M probes. Must be computed while gradients are
 * recorded; the product also adds d(v^T s)/d theta to the parameters' gradients, which the trainer
 * zeroes before its backward.
 */
public final class SsmLoss extends NoisedLoss {

    /**
     * The distributions of sliced score matching's probe vectors v, each with E[v v^T] = I so that
     * E[v^T A v] = tr(A) (Hutchinson):
     *
     * <pre>
     *   rademacher: v_i = +-1 with probability 1/2 each
     *   gaussian:   v ~ N(0, I)
     *   sphere:     v = sqrt(d) g / ||g||,  g ~ N(0, I)   (uniform direction, ||v||^2 = d)
     * </pre>
     *
     * drawn independently for each example (the first axis) on the manager's device.
     */
    public enum Probe {
        RADEMACHER {
            @Override
            NDArray draw(NDManager manager, Shape shape, DataType type) {
                return manager.randomInteger(0, 2, shape, DataType.INT32).toType(type, false).mul(2).sub(1);
            }
        },
        GAUSSIAN {
            @Override
            NDArray draw(NDManager manager, Shape shape, DataType type) {
                return manager.randomNormal(0f, 1f, shape, type);
            }
        },
        SPHERE {
            @Override
            NDArray draw(NDManager manager, Shape shape, DataType type) {
                NDArray g = manager.randomNormal(0f, 1f, shape, type);
                long n = shape.get(0);
                long d = shape.size() / n;
                long[] column = new long[shape.dimension()];
                Arrays.fill(column, 1);
                column[0] = n;
                NDArray norm = g.reshape(n, d).norm(new int[] {1}).reshape(new Shape(column));
                return g.div(norm).mul(Math.sqrt(d));
            }
        };

        /** @return probes of the given shape (n, d...), independent across the first axis */
        abstract NDArray draw(NDManager manager, Shape shape, DataType type);

        /** @return the name configs use, for example {@code rademacher} */
        String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @return every config name */
        static List<String> configNames() {
            return Arrays.stream(values()).map(Probe::configName).toList();
        }

        /** @return the probe named {@code name} in configs */
        static Probe byConfigName(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private final NoiseLevel level;
    private final Autograd autograd;
    private final int projections;
    private final Probe probe;
    private final boolean varianceReduction;

    @Inject
    SsmLoss(@Named("loss") Options options, Autograd autograd) {
        this(options.positiveDouble("sigma"), options.positiveInt("projections"),
                Probe.byConfigName(options.oneOf("distribution", Probe.configNames())),
                options.getBoolean("variance_reduction"), autograd);
    }

    /**
     * @param sigma the noise level, finite and positive
     * @param projections the number M of probes per example, at least 1
     * @param probe the distribution of the probes
     * @param varianceReduction whether to use 1/2 ||s||^2 (SSM-VR) instead of 1/2 (v^T s)^2
     * @param autograd differentiable vector-Jacobian products
     */
    public SsmLoss(double sigma, int projections, Probe probe, boolean varianceReduction, Autograd autograd) {
        if (projections < 1) {
            throw new ScorelabException("ssm loss needs projections >= 1, got projections = " + projections);
        }
        this.level = new NoiseLevel("ssm", sigma);
        this.projections = projections;
        this.probe = probe;
        this.varianceReduction = varianceReduction;
        this.autograd = autograd;
    }

    @Override
    NDArray times(NoiseSchedule schedule, NDManager manager, long n) {
        return level.times(schedule, manager, n);
    }

    /** The mean over the M probes of each example. */
    @Override
    NDArray term(ScoreFunction model, NoiseSchedule schedule, NoisedBatch batch) {
        return perProbe(model, batch).mean(new int[] {0});
    }

    /**
     * @return v^T grad_x (v^T s) + 1/2 (v^T s)^2 (or 1/2 ||s||^2) for probe m of example i, shape (M, n)
     */
    NDArray perProbe(ScoreFunction model, NoisedBatch batch) {
        long n = batch.xt().getShape().get(0);
        NDArray x = autograd.leaf(replicated(batch.xt()));
        NDArray score = model.score(x, replicated(batch.t()));
        NDArray v = probe.draw(x.getManager(), x.getShape(), x.getDataType());
        NDArray directional = sumOverDims(v.mul(autograd.vjp(score, x, v)));
        NDArray half = varianceReduction ? halfSquaredNorm(score) : half(sumOverDims(v.mul(score)).square());
        return directional.add(half).reshape(projections, n);
    }

    /** @return M copies of the batch stacked along the first axis: row m n + i is example i */
    private NDArray replicated(NDArray perExample) {
        long[] repeats = new long[perExample.getShape().dimension()];
        Arrays.fill(repeats, 1);
        repeats[0] = projections;
        return perExample.tile(repeats);
    }
}
