package io.scorelab.runtime.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.scorelab.api.Autograd;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;
import java.util.Arrays;

/**
 * A network with a parameterization: s_theta(x, t) = P(F_theta, x, t), where F is the
 * architecture's block and P the {@link Parameterization} (score, eps, EDM-preconditioned x0, or
 * energy).
 */
public final class ScoreModel implements ScoreFunction {

    private final Block block;
    private final ParameterStore parameters;
    private final ModelOptions options;
    private final NoiseSchedule schedule;
    private final Autograd autograd;
    private final boolean training;

    /**
     * @param block the initialized network
     * @param parameters the store its parameters are read through
     * @param options the parameterization (and sd for x0)
     * @param schedule gives alpha(t) and sigma(t)
     * @param autograd differentiates an energy
     * @param training whether the forward pass runs in training mode (and keeps an energy's graph)
     */
    public ScoreModel(
            Block block,
            ParameterStore parameters,
            ModelOptions options,
            NoiseSchedule schedule,
            Autograd autograd,
            boolean training) {
        this.block = block;
        this.parameters = parameters;
        this.options = options;
        this.schedule = schedule;
        this.autograd = autograd;
        this.training = training;
    }

    @Override
    public NDArray score(NDArray x, NDArray t) {
        NDArray sigma = schedule.sigma(t);
        NDArray sigmaColumn = perExample(sigma, x);
        return switch (options.parameterization()) {
            case SCORE -> network(x, sigma.log());
            case EPS -> network(x, sigma.log()).div(sigmaColumn).neg();
            case X0 -> preconditionedScore(x, t, sigmaColumn);
            case ENERGY -> energyScore(x, sigma.log());
        };
    }

    private NDArray network(NDArray x, NDArray cNoise) {
        return block.forward(parameters, new NDList(x, cNoise), training).singletonOrThrow();
    }

    /** s = (alpha D - x) / sigma^2 with D the EDM-preconditioned denoiser of x / alpha at sigma / alpha. */
    private NDArray preconditionedScore(NDArray x, NDArray t, NDArray sigma) {
        NDArray alpha = perExample(schedule.alpha(t), x);
        NDArray scaledSigma = sigma.div(alpha);
        NDArray scaledX = x.div(alpha);
        float sd2 = (float) (options.sigmaData() * options.sigmaData());
        NDArray total = scaledSigma.square().add(sd2);
        NDArray cSkip = total.pow(-1).mul(sd2);
        NDArray cOut = scaledSigma.mul((float) options.sigmaData()).div(total.sqrt());
        NDArray cIn = total.pow(-0.5);
        NDArray cNoise = scaledSigma.reshape(-1).log().div(4f);
        NDArray denoised = scaledX.mul(cSkip).add(network(scaledX.mul(cIn), cNoise).mul(cOut));
        return denoised.mul(alpha).sub(x).div(sigma.square());
    }

    /**
     * s = -grad_x E(x). Inside a training step the gradient stays in the graph so a loss on s trains E;
     * when x already requires gradients (a loss or a likelihood differentiating s again), x itself is
     * the input and the graph is kept.
     */
    private NDArray energyScore(NDArray x, NDArray cNoise) {
        return autograd.recording(() -> {
            NDArray input = x.hasGradient() ? x : autograd.leaf(x);
            NDArray energy = network(input, cNoise);
            NDArray score = autograd.vjp(energy, input, energy.onesLike()).neg();
            // keep the graph when training, or when the caller differentiates s again (a likelihood's divergence)
            return training || x.hasGradient() ? score : score.stopGradient();
        });
    }

    /** Reshapes per-example values (n) to (n, 1, ..., 1) to broadcast against x. */
    private static NDArray perExample(NDArray values, NDArray x) {
        long[] shape = new long[x.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = x.getShape().get(0);
        return values.reshape(new Shape(shape));
    }

    /** @return the network */
    public Block block() {
        return block;
    }
}
