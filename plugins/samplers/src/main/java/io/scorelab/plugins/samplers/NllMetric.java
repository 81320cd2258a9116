package io.scorelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Autograd;
import io.scorelab.api.ImageData;
import io.scorelab.api.Metric;
import io.scorelab.api.MetricInput;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.Options;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's negative log-likelihood of fresh data by the probability-flow ODE and the instantaneous
 * change of variables (Chen et al. 2018; Song et al. 2021, section 4.3): integrating
 *
 * <pre>
 *   dx/dt = f~(x, t) = f(x, t) - g(t)^2 s(x, t) / 2,    d delta/dt = div_x f~(x, t),
 * </pre>
 *
 * from x(t_eps) = x_0, delta = 0 up to T gives
 *
 * <pre>
 *   log p_0(x_0) = log p_T(x(T)) + delta(T),
 * </pre>
 *
 * with the prior's log-density log p_T. The divergence is exact (d vector-Jacobian products with the
 * unit vectors, {@code divergence = exact}) or Hutchinson's estimate v^T (df~/dx) v with one probe v
 * per example, drawn once and kept for the whole integral ({@code hutchinson}, Rademacher or Gaussian
 * probes); {@code auto} is exact up to 16 dimensions. The ODE is solved jointly for (x, delta), by
 * default with rk45 at rtol = atol = 1e-5. Reported in nats per example ({@code nll}) with its
 * standard error, per dimension ({@code nll_per_dim}) and, for image data, in bits per dimension:
 *
 * <pre>
 *   bpd = -log p_0(x) / (D ln 2) + 8 - log2(w),
 * </pre>
 *
 * the likelihood of the 8-bit pixels under uniform dequantization: a pixel bin of 1/256 of the
 * intensity range is a cell of width w / 256 in model space, w the range width (2 for [-1, 1], so +7).
 * Logit-transformed images are refused (their Jacobian is not known here).
 */
public final class NllMetric implements Metric {

    static final List<String> DIVERGENCES = List.of("auto", "exact", "hutchinson");
    static final List<String> PROBES = List.of("rademacher", "gaussian");
    /** The largest dimension that {@code auto} computes the divergence of exactly. */
    static final int EXACT_UP_TO = 16;

    private final int samples;
    private final String divergence;
    private final String probe;
    private final OdeSolver solver;
    private final int steps;
    private final double rtol;
    private final double atol;
    private final Autograd autograd;

    @Inject
    NllMetric(@Named("metric.nll") Options options, Autograd autograd) {
        this(readSamples(options), options.oneOf("divergence", DIVERGENCES), options.oneOf("probe", PROBES),
                options.oneOf("solver", OdeSolver.keys()), options.positiveInt("steps"),
                options.positiveDouble("rtol"), options.positiveDouble("atol"), autograd);
    }

    private static int readSamples(Options options) {
        int samples = options.getInt("samples");
        if (samples < 2) {
            throw options.invalid("samples", "an integer >= 2 (the standard error needs two)");
        }
        return samples;
    }

    /**
     * @param samples the number of data points, at least 2
     * @param divergence auto, exact or hutchinson
     * @param probe rademacher or gaussian (for hutchinson)
     * @param solver euler, heun, rk4 or rk45
     * @param steps the number of fixed steps, at least 1 (ignored by rk45)
     * @param rtol the relative tolerance of rk45, positive
     * @param atol the absolute tolerance of rk45, positive
     * @param autograd vector-Jacobian products
     */
    public NllMetric(int samples, String divergence, String probe, String solver, int steps, double rtol, double atol,
            Autograd autograd) {
        if (!DIVERGENCES.contains(divergence) || !PROBES.contains(probe) || !OdeSolver.keys().contains(solver)) {
            throw new ScorelabException("nll: divergence must be one of " + String.join(", ", DIVERGENCES)
                    + ", probe one of " + String.join(", ", PROBES) + " and solver one of "
                    + String.join(", ", OdeSolver.keys()) + "; got " + divergence + ", " + probe + ", " + solver);
        }
        if (!(samples >= 2 && steps >= 1 && rtol > 0 && atol > 0 && Double.isFinite(rtol) && Double.isFinite(atol))) {
            throw new ScorelabException("nll needs samples >= 2, steps >= 1, rtol > 0 and atol > 0, got samples = "
                    + samples + ", steps = " + steps + ", rtol = " + rtol + ", atol = " + atol);
        }
        this.samples = samples;
        this.divergence = divergence;
        this.probe = probe;
        this.solver = OdeSolver.of(solver);
        this.steps = steps;
        this.rtol = rtol;
        this.atol = atol;
        this.autograd = autograd;
    }

    @Override
    public Map<String, Double> evaluate(MetricInput input) {
        ImageData images = input.dataset().images().orElse(null);
        if (images != null && images.logit()) {
            throw new ScorelabException("metric nll: bits per dimension of logit-transformed images need the logit's"
                    + " Jacobian, which scorelab does not know; use a dataset with logit = false");
        }
        long dimension = input.dataset().exampleShape().size();
        Likelihood likelihood;
        try (NDManager scope = input.manager().newSubManager()) {
            NDArray data = input.dataset().sample(scope, samples);
            likelihood = logLikelihood(input.model(), input.schedule(), data);
        }
        double[] nll = new double[samples];
        for (int i = 0; i < samples; i++) {
            nll[i] = -likelihood.logDensity()[i];
        }
        Map<String, Double> values = new LinkedHashMap<>();
        double mean = mean(nll);
        double error = standardError(nll, mean);
        values.put("nll", mean);
        values.put("nll_se", error);
        values.put("nll_per_dim", mean / dimension);
        values.put("nll_nfe", (double) likelihood.evaluations());
        if (images != null) {
            double scale = dimension * Math.log(2);
            double offset = 8 - Math.log(images.rangeWidth()) / Math.log(2);
            values.put("bpd", mean / scale + offset);
            values.put("bpd_se", error / scale);
        }
        return values;
    }

    /**
     * @param logDensity log p_0 of each example
     * @param evaluations the number of evaluations of the ODE's right-hand side (each one score evaluation
     *     plus its vector-Jacobian products)
     */
    record Likelihood(double[] logDensity, int evaluations) {}

    /**
     * @param data x_0, shape (n, d...); its manager holds the integration's arrays until it is closed
     * @return log p_0 of every example under the model's probability flow
     */
    Likelihood logLikelihood(ScoreFunction model, NoiseSchedule schedule, NDArray data) {
        NDManager manager = data.getManager();
        Shape shape = data.getShape();
        long n = shape.get(0);
        int dimension = Math.toIntExact(shape.size() / n);
        boolean exact = divergence.equals("exact") || divergence.equals("auto") && dimension <= EXACT_UP_TO;
        NDList directions = exact ? basis(data, dimension) : new NDList(probe(data));
        ReverseProcess process = new ReverseProcess(model, schedule, manager);
        OdeSolver.VectorField field = (state, t) -> {
            NDArray x = state.get(new NDIndex(":, :{}", dimension)).reshape(shape);
            return autograd.recording(() -> {
                NDArray leaf = autograd.leaf(x);
                NDArray velocity = process.probabilityFlow(leaf, t);
                NDArray trace = null;
                for (NDArray v : directions) {
                    NDArray term = autograd.vjp(velocity, leaf, v).mul(v).reshape(n, dimension).sum(new int[] {1}, true);
                    trace = trace == null ? term : trace.add(term);
                }
                return velocity.stopGradient().reshape(n, dimension).concat(trace.stopGradient(), 1);
            });
        };
        NDArray start = data.reshape(n, dimension).concat(manager.zeros(new Shape(n, 1), data.getDataType()), 1);
        double[] times = solver.fixedStep() ? reversed(schedule.discretization(steps + 1))
                : new double[] {schedule.tMin(), schedule.tMax()};
        OdeSolver.Solution solution = solver.solve(field, start, times, rtol, atol, manager);
        NDArray end = solution.y();
        NDArray prior = schedule.priorLogDensity(end.get(new NDIndex(":, :{}", dimension)).reshape(shape));
        NDArray logDensity = prior.add(end.get(new NDIndex(":, {}", dimension)));
        return new Likelihood(logDensity.toType(DataType.FLOAT64, false).toDoubleArray(), solution.evaluations());
    }

    /** @return the d unit vectors e_j, each as a batch shaped like the data */
    private static NDList basis(NDArray data, int dimension) {
        NDList basis = new NDList(dimension);
        NDArray identity = data.getManager().eye(dimension, dimension, 0, data.getDataType());
        long n = data.getShape().get(0);
        for (int j = 0; j < dimension; j++) {
            basis.add(identity.get(j).reshape(1, dimension).repeat(0, n).reshape(data.getShape()));
        }
        return basis;
    }

    /** @return one Hutchinson probe per example, with E[v v^T] = I, shaped like the data */
    private NDArray probe(NDArray data) {
        NDManager manager = data.getManager();
        Shape shape = data.getShape();
        if (probe.equals("gaussian")) {
            return manager.randomNormal(0f, 1f, shape, data.getDataType());
        }
        return manager.randomInteger(0, 2, shape, DataType.INT32).toType(data.getDataType(), false).mul(2).sub(1);
    }

    private static double[] reversed(double[] times) {
        double[] result = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            result[i] = times[times.length - 1 - i];
        }
        return result;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** @return the standard error of the mean, sample standard deviation / sqrt(n) */
    private static double standardError(double[] values, double mean) {
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1) / values.length);
    }
}
