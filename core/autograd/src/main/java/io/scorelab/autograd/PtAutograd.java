package io.scorelab.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.scorelab.api.Autograd;
import io.scorelab.api.ScorelabException;

/**
 * {@link Autograd} on the PyTorch engine: {@code backward(y, v, keep_graph = true, create_graph =
 * true)} through {@link JniUtils#backward}, then x.grad. This is the only class that calls the
 * engine's JNI.
 *
 * <p>PyTorch accumulates into x.grad, and with {@code create_graph} the accumulation is itself part
 * of the graph (x.grad = g_1 + g_2 after two calls). The product of this call is therefore x.grad
 * after the backward minus x.grad before it: the same value and the same derivatives as the new
 * term alone.
 *
 * <p>The backward also accumulates d(v^T y)/d theta into every parameter's gradient; a trainer
 * zeroes parameter gradients after computing the loss and before its own backward.
 */
public final class PtAutograd implements Autograd {

    @Override
    public NDArray leaf(NDArray x) {
        NDArray leaf = x.stopGradient();
        leaf.setRequiresGradient(true);
        return leaf;
    }

    @Override
    public NDArray vjp(NDArray output, NDArray input, NDArray cotangent) {
        PtNDArray x = (PtNDArray) input;
        if (!x.hasGradient()) {
            throw new ScorelabException("a gradient with respect to an array was asked for, but the array is not a"
                    + " leaf that requires gradients (make it with Autograd.leaf)");
        }
        if (!cotangent.getShape().equals(output.getShape())) {
            throw new IllegalArgumentException(
                    "cotangent shape " + cotangent.getShape() + " differs from output shape " + output.getShape());
        }
        // With create_graph PyTorch accumulates out of place (x.grad = old + new), so the tensor read here
        // is never changed by a later call.
        PtNDArray before = JniUtils.getGradient(x);
        JniUtils.backward((PtNDArray) output, (PtNDArray) cotangent, true, true);
        PtNDArray after = JniUtils.getGradient(x);
        if (after == null) {
            throw new ScorelabException("the output does not depend on the input it is differentiated with respect to");
        }
        // A copy that stays in the graph (DJL's duplicate() clones without it): x.grad itself is changed in
        // place when the final, first-order backward reaches x.
        NDArray result = before == null ? after.add(0f) : after.sub(before);
        after.close();
        if (before != null) {
            before.close();
        }
        return result;
    }
}
