package io.scorelab.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.scorelab.api.ScorelabException;
import org.junit.jupiter.api.Test;

class PtAutogradTest {

    private final PtAutograd autograd = new PtAutograd();

    /**
     * y = w x^3: dy/dx = 3 w x^2 (first order), and the loss sum(dy/dx) has d/dw = 3 x^2 and d/dx = 6
     * w x (second order). All values are small integers, exact in float32. The final backward sees
     * only the loss's own gradient: the products leave parameter gradients untouched.
     */
    @Test
    void secondDerivativesFlowThroughTheVectorJacobianProduct() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {2f, 3f});
            w.setRequiresGradient(true);
            NDArray x = autograd.leaf(manager.create(new float[] {1f, -1f}));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = w.mul(x.pow(3));
                NDArray g = autograd.vjp(y, x, y.onesLike());
                assertThat(g.toFloatArray()).containsExactly(6f, 9f);
                NDArray again = autograd.vjp(y, x, y.onesLike().mul(2));
                assertThat(again.toFloatArray()).containsExactly(12f, 18f);
                // No zeroing needed: the products above wrote nothing into w's gradient.
                collector.backward(g.sum());
                assertThat(w.getGradient().toFloatArray()).containsExactly(3f, 3f);
            }
        }
    }

    @Test
    void anOutputThatDoesNotDependOnTheInputIsAnError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {2f});
            w.setRequiresGradient(true);
            NDArray x = autograd.leaf(manager.create(new float[] {1f}));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = w.mul(2);
                assertThatThrownBy(() -> autograd.vjp(y, x, y.onesLike()))
                        .isInstanceOf(ScorelabException.class)
                        .hasMessageContaining("does not depend");
            }
        }
    }

    @Test
    void recordingTurnsGradientsOnOutsideACollectorAndRestoresTheMode() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(autograd.isRecording()).isFalse();
            NDArray x = autograd.leaf(manager.create(new float[] {3f}));
            NDArray g = autograd.recording(() -> {
                NDArray y = x.square();
                return autograd.vjp(y, x, y.onesLike());
            });
            assertThat(g.toFloatArray()).containsExactly(6f);
            assertThat(autograd.isRecording()).isFalse();
        }
    }
}
