package io.scorelab.plugins.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The element-wise activations an {@link MlpArchitecture} may use, by config name. */
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
            return Activation.swish(x, 1f);
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

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Nonlinearity of(String configName) {
        return valueOf(configName.toUpperCase(Locale.ROOT));
    }
}
