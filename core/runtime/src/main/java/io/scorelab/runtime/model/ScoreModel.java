package io.scorelab.runtime.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.scorelab.api.NoiseSchedule;
import io.scorelab.api.ScoreFunction;
import java.util.Arrays;

/**
 * A network with a parameterization: s_theta(x, t) = P(F_theta(x, ln sigma(t)), sigma(t)), where F
 * is the architecture's block and P the {@link Parameterization}.
 */
public final class ScoreModel implements ScoreFunction {

    private final Block block;
    private final ParameterStore parameters;
    private final Parameterization parameterization;
    private final NoiseSchedule schedule;
    private final boolean training;

    /**
     * @param block the initialized network
     * @param parameters the store its parameters are read through
     * @param parameterization how its output becomes a score
     * @param schedule gives sigma(t)
     * @param training whether the forward pass runs in training mode
     */
    public ScoreModel(
            Block block,
            ParameterStore parameters,
            Parameterization parameterization,
            NoiseSchedule schedule,
            boolean training) {
        this.block = block;
        this.parameters = parameters;
        this.parameterization = parameterization;
        this.schedule = schedule;
        this.training = training;
    }

    @Override
    public NDArray score(NDArray x, NDArray t) {
        NDArray sigma = schedule.sigma(t);
        NDArray output = block.forward(parameters, new NDList(x, sigma.log()), training).singletonOrThrow();
        long[] broadcast = new long[x.getShape().dimension()];
        Arrays.fill(broadcast, 1);
        broadcast[0] = x.getShape().get(0);
        return parameterization.toScore(output, sigma.reshape(new Shape(broadcast)));
    }

    /** @return the network */
    public Block block() {
        return block;
    }
}
