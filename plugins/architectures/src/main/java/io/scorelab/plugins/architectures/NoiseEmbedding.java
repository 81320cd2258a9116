package io.scorelab.plugins.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.List;

/**
 * The embedding e(c) of the noise level c = c_noise, of size 2K (input (n), output (n, 2K)):
 *
 * <pre>
 *   sinusoidal: e(c) = [sin(c f_0), ..., sin(c f_{K-1}), cos(c f_0), ..., cos(c f_{K-1})],
 *               f_k = 0.1 * 1000^((k + 1/2) / K),
 *   fourier:    e(c) = [sin(2 pi w_0 c), ..., sin(2 pi w_{K-1} c), cos(2 pi w_0 c), ..., cos(2 pi w_{K-1} c)],
 *               w_k ~ N(0, scale^2), drawn once.
 * </pre>
 *
 * <p>The sinusoidal frequencies are fixed; the Gaussian Fourier features are Song et al. (2021)'s
 * GaussianFourierProjection. Their w is a parameter, drawn by the engine's seeded generator when
 * the block is initialized and saved with the other parameters, so a checkpoint restores it; the
 * forward pass detaches it from the graph, so its gradient is zero and no optimizer without weight
 * decay ever changes it. (It still requires a gradient, because the runtime's optimizer reads the
 * gradient of every parameter.)
 */
final class NoiseEmbedding extends AbstractBlock {

    /** The config names of the two kinds, {@code sinusoidal} and {@code fourier}. */
    static final List<String> KINDS = List.of("sinusoidal", "fourier");

    /** ln of the lowest frequency 0.1 of the sinusoidal band. */
    private static final double LOG_LOWEST_FREQUENCY = Math.log(0.1);
    /** ln of the ratio 1000 between the highest and the lowest frequency of the sinusoidal band. */
    private static final double LOG_BAND = Math.log(1000);

    private final int dim;
    private final Parameter fourierFrequencies;

    /**
     * @param kind sinusoidal or fourier
     * @param dim the size 2K of the embedding, positive and even
     * @param fourierScale the standard deviation of the Fourier frequencies w (unused for sinusoidal)
     */
    NoiseEmbedding(String kind, int dim, double fourierScale) {
        this.dim = dim;
        this.fourierFrequencies = kind.equals("fourier")
                ? addParameter(Parameter.builder()
                        .setName("fourier_frequencies")
                        .setType(Parameter.Type.OTHER)
                        .optShape(new Shape(dim / 2))
                        .optInitializer(new NormalInitializer((float) fourierScale))
                        .build())
                : null;
    }

    /** The sinusoidal embedding of c (shape (n)), of shape (n, dim), on c's device. */
    static NDArray sinusoidal(NDArray c, int dim) {
        int half = dim / 2;
        NDArray frequencies = c.getManager()
                .arange(0.5f, half)
                .mul(LOG_BAND / half)
                .add(LOG_LOWEST_FREQUENCY)
                .exp();
        return sinCos(c, frequencies);
    }

    private static NDArray sinCos(NDArray c, NDArray frequencies) {
        NDArray phase = c.reshape(-1, 1).mul(frequencies);
        return phase.sin().concat(phase.cos(), 1);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray c = inputs.singletonOrThrow();
        if (fourierFrequencies == null) {
            return new NDList(sinusoidal(c, dim));
        }
        NDArray w = parameterStore.getValue(fourierFrequencies, c.getDevice(), training).stopGradient();
        return new NDList(sinCos(c, w.mul(2 * Math.PI)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim)};
    }
}
