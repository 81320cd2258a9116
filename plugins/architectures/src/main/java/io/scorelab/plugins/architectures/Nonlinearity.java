package io.scorelab.plugins.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The element-wise activations of {@link MlpArchitecture} and {@link ResMlpArchitecture}, by config name. */
enum Nonlinearity {
    RELU {
        @Override
        NDArray apply(NDArray x) {
            return Activation.relu(x);
        }
    },
    SILU {
        @Override
        NDArray apply(NDArray x) {
            return silu(x);
        }
    },
    GELU {
        @Override
        NDArray apply(NDArray x) {
            return Activation.gelu(x);
        }
    },
    TANH {
        @Override
        NDArray apply(NDArray x) {
            return Activation.tanh(x);
        }
    },
    SOFTPLUS {
        @Override
        NDArray apply(NDArray x) {
            return Activation.softPlus(x);
        }
    };

    /** The config names, in declaration order: relu, silu, gelu, tanh, softplus. */
    static final List<String> NAMES =
            Arrays.stream(values()).map(Nonlinearity::configName).toList();

    abstract NDArray apply(NDArray x);

    /**
     * silu(x) = x sigmoid(x), from two tensor operations. Not DJL's {@code Activation.swish(x, 1)}:
     * on the PyTorch engine it computes x * 1 with the scalar 1 in a temporary array whose memory
     * belongs to a Java direct buffer; autograd keeps that array for the backward pass, and once the
     * garbage collector frees the buffer the backward pass reads freed memory (garbage gradients).
     */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Nonlinearity of(String configName) {
        return valueOf(configName.toUpperCase(Locale.ROOT));
    }
}
