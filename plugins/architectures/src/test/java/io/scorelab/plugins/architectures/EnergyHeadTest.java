package io.scorelab.plugins.architectures;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.scorelab.api.Architecture;
import io.scorelab.autograd.PtAutograd;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An energy E(x, c) (output shape (1)) is differentiated twice: its score is s = -grad_x E, and a loss
 * on s trains by a backward pass through grad_x E. Each architecture's energy head must give correct
 * second derivatives and reach every parameter through them.
 */
class EnergyHeadTest {

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of("mlp", new MlpArchitecture(32, 2, "silu", 16), new Shape(2)),
                Arguments.of("resmlp", new ResMlpArchitecture(32, 2, "silu", "sinusoidal", 16, 16), new Shape(2)),
                Arguments.of("unet", new UNetArchitecture(8, List.of(1, 2), 1, true, 4, "sinusoidal", 16, 16),
                        new Shape(1, 8, 8)));
    }

    /**
     * The Hessian-vector product H v from a second vector-Jacobian product matches the central
     * difference (g(x + h v) - g(x - h v)) / 2h of the gradient g = grad_x E, and the loss sum ||g||^2
     * has a non-zero, finite gradient for every parameter.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void secondDerivativesAreCorrectAndReachEveryParameter(String name, Architecture architecture, Shape example) {
        Engine.getInstance().setRandomSeed(6);
        PtAutograd autograd = new PtAutograd();
        float h = 1e-2f;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = architecture.build(example, new Shape(1));
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(example), new Shape(1));
            ParameterStore store = new ParameterStore(manager, false);
            Shape xShape = new Shape(4).addAll(example);
            NDArray x0 = manager.randomNormal(xShape);
            NDArray v = manager.randomNormal(xShape);
            NDArray c = manager.randomUniform(-3f, 3f, new Shape(4));

            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray x = autograd.leaf(x0);
                NDArray energy = block.forward(store, new NDList(x, c), true).singletonOrThrow();
                assertThat(energy.getShape()).isEqualTo(new Shape(4, 1));
                NDArray g = autograd.vjp(energy, x, energy.onesLike());
                NDArray hessianV = autograd.vjp(g, x, v);
                NDArray difference = gradient(block, store, autograd, x0.add(v.mul(h)), c)
                        .sub(gradient(block, store, autograd, x0.sub(v.mul(h)), c))
                        .div(2 * h);

                float size = hessianV.norm().getFloat();
                float error = hessianV.sub(difference).norm().getFloat();
                // The curvature is not zero (smooth activations, normalization, attention)...
                assertThat(size).isGreaterThan(1e-3f);
                // ...and the central difference agrees: its truncation error is O(h^2) = 1e-4 relative,
                // its float32 rounding about 1e-7 |g| / h = 1e-5 |g|; 1% leaves a wide margin.
                assertThat(error).as("|Hv - finite difference| / |Hv|").isLessThan(0.01f * size);

                collector.backward(g.square().sum());
            }
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                try (NDArray gradient = parameter.getValue().getArray().getGradient()) {
                    float total = gradient.abs().sum().getFloat();
                    assertThat(total).as(parameter.getKey()).isFinite();
                    if (!parameter.getKey().endsWith("output_bias")) {
                        // every parameter but the energy's additive constant shapes grad_x E
                        assertThat(total).as(parameter.getKey()).isPositive();
                    }
                }
            }
        }
    }

    private static NDArray gradient(Block block, ParameterStore store, PtAutograd autograd, NDArray x0, NDArray c) {
        NDArray x = autograd.leaf(x0);
        NDArray energy = block.forward(store, new NDList(x, c), true).singletonOrThrow();
        return autograd.vjp(energy, x, energy.onesLike());
    }
}
