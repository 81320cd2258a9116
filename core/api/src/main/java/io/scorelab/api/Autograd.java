package io.scorelab.api;

import ai.djl.ndarray.NDArray;
import java.util.function.Supplier;

/**
 * Vector-Jacobian products that stay differentiable, PyTorch's {@code torch.autograd.grad(y, x, v,
 * create_graph=True)}:
 *
 * <pre>
 *   vjp(y, x, v) = v^T dy/dx = grad_x sum(v * y),
 * </pre>
 *
 * returned as part of the autograd graph, so a loss built from it (Hyvärinen's trace tr(grad_x s),
 * sliced score matching's v^T grad_x (v^T s), an energy's score s = -grad_x E) trains by an ordinary
 * backward pass. DJL's public API only offers first-order gradients; the runtime injects the
 * engine's implementation into any component that asks for this type.
 */
public interface Autograd {

    /**
     * Marks a copy of {@code x} as an input that gradients are taken with respect to: a new leaf of the
     * graph sharing x's memory, with no gradient yet.
     *
     * @param x any array (its own graph, if any, is cut)
     * @return the leaf, to be passed through the function and then to {@link #vjp}
     */
    NDArray leaf(NDArray x);

    /**
     * @param output y = F(x), any shape, computed inside a gradient collector
     * @param input x, a {@link #leaf} that y depends on
     * @param cotangent v, shaped like y
     * @return v^T dy/dx, shaped like x, differentiable with respect to x and every parameter of F
     * @throws ScorelabException if y does not depend on x
     */
    NDArray vjp(NDArray output, NDArray input, NDArray cotangent);

    /**
     * Runs {@code f} with gradient recording on. Recording is on inside a training step and off
     * elsewhere (sampling, evaluation); a score that is itself a gradient (an energy model's s =
     * -grad_x E) needs it in both.
     *
     * @param f the computation
     * @return what f returns
     */
    <T> T recording(Supplier<T> f);

    /** @return whether gradients are being recorded now */
    boolean isRecording();
}
