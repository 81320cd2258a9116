package io.scorelab.runtime.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.scorelab.api.Architecture;
import io.scorelab.api.Autograd;
import io.scorelab.api.Dataset;
import io.scorelab.api.Loss;
import io.scorelab.api.LossValue;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;
import io.scorelab.api.ScorelabException;
import io.scorelab.runtime.model.ModelOptions;
import io.scorelab.runtime.model.ScoreModel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains a score model: each step draws a batch of x_0, evaluates the loss inside a
 * {@link GradientCollector}, back-propagates, and applies {@link Adam} with warmup and clipping,
 * then updates the exponential moving average of the weights
 *
 * <pre>
 *   theta_ema = d theta_ema + (1 - d) theta,
 * </pre>
 *
 * which is the model that samples. Each step's arrays live in a sub-manager closed at the end of the
 * step, so memory stays flat; the step reads nothing back to the host except on logging steps.
 */
public final class Trainer implements AutoCloseable {

    private final TrainerOptions options;
    private final Dataset dataset;
    private final NoiseSchedule schedule;
    private final Loss loss;
    private final NDManager manager;
    private final Block block;
    private final Block emaBlock;
    private final List<Parameter> parameters;
    private final List<Parameter> emaParameters;
    private final Adam adam;
    private final ScoreModel trainingModel;
    private final ScoreModel emaModel;
    private final NDArray lossSum;
    private final NDArray nonFiniteSteps;
    private NDArray firstNonFiniteStep;
    private NDArray lastFiniteLoss;
    private long step;

    /**
     * @param options the trainer section
     * @param dataset draws x_0
     * @param schedule the forward process
     * @param loss the objective
     * @param architecture builds the network (twice: the trained weights and their average)
     * @param model how the network's output becomes a score
     * @param autograd differentiates energies
     * @param device where tensors live
     */
    public Trainer(
            TrainerOptions options,
            Dataset dataset,
            NoiseSchedule schedule,
            Loss loss,
            Architecture architecture,
            ModelOptions model,
            Autograd autograd,
            Device device) {
        this.options = options;
        this.dataset = dataset;
        this.schedule = schedule;
        this.loss = loss;
        this.manager = NDManager.newBaseManager(device);
        Shape example = dataset.exampleShape();
        Shape output = model.parameterization().outputShape(example);
        this.block = initialized(architecture.build(example, output), example);
        this.emaBlock = initialized(architecture.build(example, output), example);
        this.parameters = new ArrayList<>(block.getParameters().values());
        this.emaParameters = new ArrayList<>(emaBlock.getParameters().values());
        for (int i = 0; i < parameters.size(); i++) {
            NDArray average = emaParameters.get(i).getArray();
            average.setRequiresGradient(false);
            average.subi(average).addi(parameters.get(i).getArray());
        }
        this.adam = new Adam(parameters, options);
        this.trainingModel = new ScoreModel(block, new ParameterStore(manager, false), model, schedule, autograd, true);
        this.emaModel = new ScoreModel(emaBlock, new ParameterStore(manager, false), model, schedule, autograd, false);
        this.lossSum = manager.zeros(new Shape());
        this.nonFiniteSteps = manager.zeros(new Shape());
        this.firstNonFiniteStep = manager.zeros(new Shape()).sub(1);
        this.lastFiniteLoss = manager.create(Float.NaN);
    }

    private Block initialized(Block network, Shape example) {
        network.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(example), new Shape(1));
        return network;
    }

    /** @return the model with the averaged weights, the one that samples */
    public ScoreFunction emaModel() {
        return emaModel;
    }

    /** @return the device the model lives on */
    public Device device() {
        return manager.getDevice();
    }

    /** @return the number of steps taken */
    public long step() {
        return step;
    }

    /** @return the number of trainable parameters */
    public long parameterCount() {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /**
     * Trains until {@code untilStep} (at most {@code trainer.steps}).
     *
     * @param untilStep the step to stop at, for evaluations in between
     * @param listener hears every step and every log
     * @throws NonFiniteLossException when the loss becomes NaN or infinite and {@code on_nan = stop}
     */
    public void train(long untilStep, TrainingListener listener) {
        long windowStart = step;
        long windowNanos = System.nanoTime();
        while (step < untilStep) {
            LossValue last;
            NDArray gradNorm;
            // Results of an op belong to the manager of its first operand, so updates of the weights, the
            // moments and the EMA would land in the trainer's manager; the scope closes every array the step
            // created, wherever it lives, except those kept with NDScope.unregister.
            try (NDManager stepManager = manager.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x0 = dataset.sample(stepManager, options.batchSize());
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    last = loss.compute(trainingModel, schedule, x0);
                    collector.backward(last.loss());
                }
                NDArray value = last.loss();
                NDArray finite = value.isNaN().logicalOr(value.isInfinite()).logicalNot();
                NDList update = adam.update(stepManager, finite, options.learningRate(step));
                gradNorm = update.get(0);
                NDArray applied = update.get(1);
                track(value, applied);
                updateAverage();
                step++;
                listener.onStep(step);
                if (step % options.logEvery() == 0 || step == untilStep) {
                    long nanos = System.nanoTime() - windowNanos;
                    listener.onLog(step, logMetrics(last, gradNorm, step - windowStart, nanos));
                    windowStart = step;
                    windowNanos = System.nanoTime();
                }
            }
        }
    }

    private void track(NDArray value, NDArray applied) {
        NDArray stepIndex = applied.getManager().create((float) step + 1);
        lossSum.addi(NDArrays.where(applied, value, value.zerosLike()));
        NDArray skipped = applied.logicalNot();
        nonFiniteSteps.addi(skipped.toType(DataType.FLOAT32, false));
        NDArray firstBad = skipped.logicalAnd(firstNonFiniteStep.lt(0));
        firstNonFiniteStep = keep(firstNonFiniteStep, NDArrays.where(firstBad, stepIndex, firstNonFiniteStep));
        lastFiniteLoss = keep(lastFiniteLoss, NDArrays.where(applied, value, lastFiniteLoss));
    }

    /** Moves {@code next} from the step's memory to the trainer's and frees {@code old}. */
    private NDArray keep(NDArray old, NDArray next) {
        next.attach(manager);
        NDScope.unregister(next);
        old.close();
        return next;
    }

    private void updateAverage() {
        double decay = options.ema();
        for (int i = 0; i < parameters.size(); i++) {
            NDArray average = emaParameters.get(i).getArray();
            average.muli(decay).addi(parameters.get(i).getArray().mul(1 - decay));
        }
    }

    private Map<String, Double> logMetrics(LossValue last, NDArray gradNorm, long steps, long nanos) {
        double skipped = nonFiniteSteps.getFloat();
        if (skipped > 0 && !options.skipNonFinite()) {
            throw new NonFiniteLossException((long) firstNonFiniteStep.getFloat(), lastFiniteLoss.getFloat());
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        double applied = steps - skipped;
        metrics.put("train/loss", applied > 0 ? lossSum.getFloat() / applied : Double.NaN);
        metrics.put("train/grad_norm", (double) gradNorm.getFloat());
        metrics.put("train/lr", options.learningRate(step - 1));
        metrics.put("train/examples_per_sec", steps * options.batchSize() / (nanos / 1e9));
        metrics.put("train/steps_per_sec", steps / (nanos / 1e9));
        if (options.skipNonFinite()) {
            metrics.put("train/skipped_batches", skipped);
        }
        metrics.putAll(lossBySigma(last));
        lossSum.subi(lossSum);
        nonFiniteSteps.subi(nonFiniteSteps);
        return metrics;
    }

    /** Up to this many distinct noise levels get a metric each; more are grouped in half-decade bins. */
    private static final int MAX_LEVELS = 20;

    /**
     * Averages the last batch's per-example losses per noise level (three significant digits), or, for
     * continuous schedules and long discrete ones, per half-decade bin [10^(k/2), 10^((k+1)/2)) named by
     * its lower edge, so the same names recur at every log.
     */
    private static Map<String, Double> lossBySigma(LossValue last) {
        float[] losses = last.perExample().toType(DataType.FLOAT32, false).toFloatArray();
        float[] sigmas = last.noiseLevel().toType(DataType.FLOAT32, false).broadcast(last.perExample().getShape()).toFloatArray();
        boolean binned = java.util.stream.IntStream.range(0, sigmas.length)
                .mapToObj(i -> level(sigmas[i])).distinct().count() > MAX_LEVELS;
        Map<Double, double[]> bins = new TreeMap<>();
        for (int i = 0; i < losses.length; i++) {
            if (Float.isFinite(losses[i])) {
                double key = binned ? halfDecade(sigmas[i]) : Double.parseDouble(level(sigmas[i]));
                double[] bin = bins.computeIfAbsent(key, k -> new double[2]);
                bin[0] += losses[i];
                bin[1]++;
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        bins.forEach((sigma, bin) -> metrics.put("train/loss_by_sigma/" + level(sigma), bin[0] / bin[1]));
        return metrics;
    }

    private static String level(double sigma) {
        return String.format(Locale.ROOT, "%.3g", sigma);
    }

    /** @return the lower edge 10^(k/2) of the half decade holding sigma (0 for sigma <= 0) */
    static double halfDecade(double sigma) {
        return sigma > 0 ? Math.pow(10, Math.floor(2 * Math.log10(sigma)) / 2) : 0;
    }

    /**
     * Writes the weights, the averaged weights, the optimizer state and the step.
     *
     * @param directory created if needed
     */
    public void saveCheckpoint(Path directory) throws IOException {
        Files.createDirectories(directory);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(directory.resolve("model.params")))) {
            block.saveParameters(out);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(directory.resolve("ema.params")))) {
            emaBlock.saveParameters(out);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(directory.resolve("optimizer.bin")))) {
            out.writeLong(step);
            adam.save(out);
        }
    }

    /**
     * Reads a checkpoint written by {@link #saveCheckpoint}.
     *
     * @param directory the checkpoint directory
     */
    public void loadCheckpoint(Path directory) throws IOException {
        try (DataInputStream in = new DataInputStream(open(directory.resolve("model.params")))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new ScorelabException("checkpoint " + directory + " is corrupt: " + e.getMessage(), e);
        }
        try (DataInputStream in = new DataInputStream(open(directory.resolve("ema.params")))) {
            emaBlock.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new ScorelabException("checkpoint " + directory + " is corrupt: " + e.getMessage(), e);
        }
        try (DataInputStream in = new DataInputStream(open(directory.resolve("optimizer.bin")))) {
            step = in.readLong();
            adam.load(in, manager);
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ScorelabException("checkpoint file " + file + " is missing");
        }
        return Files.newInputStream(file);
    }

    /** @return the number of arrays the trainer's memory holds (flat over steps when nothing leaks) */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    /** @return a scratch manager on the model's device, for sampling and evaluation */
    public NDManager newManager() {
        return manager.newSubManager();
    }

    @Override
    public void close() {
        manager.close();
    }
}
