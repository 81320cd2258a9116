package io.scorelab.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.scorelab.api.ScorelabException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PixelTransformTest {

    /** Every 8-bit value once, as the (1, 1, 16, 16) uint8 array a data set gathers. */
    private static NDArray allPixels(NDManager manager) {
        byte[] values = new byte[256];
        for (int p = 0; p < 256; p++) {
            values[p] = (byte) p;
        }
        return manager.create(ByteBuffer.wrap(values), new Shape(1, 1, 16, 16), DataType.UINT8);
    }

    @ParameterizedTest
    @CsvSource({"-1, 1, false", "0, 1, false", "-3, 5, false", "0, 1, true"})
    void toUnitRangeInvertsTheTransform(double lo, double hi, boolean logit) {
        PixelTransform transform = new PixelTransform(lo, hi, false, logit);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = transform.apply(allPixels(manager));
            assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(x.getShape()).isEqualTo(new Shape(1, 1, 16, 16));
            float[] v = transform.toUnitRange(x).toFloatArray();
            for (int p = 0; p < 256; p++) {
                // float32 round trip through values of magnitude <= 5 (or a logit <= 2.95 and its sigmoid):
                // a few ulps of 5, under 2e-6.
                assertThat(v[p]).as("p = %d", p).isCloseTo(p / 255f, within(2e-6f));
            }
        }
    }

    @Test
    void theForwardMapsHaveTheirFormulas() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] centred = new PixelTransform(-1, 1, false, false).apply(allPixels(manager)).toFloatArray();
            float[] logit = new PixelTransform(0, 1, false, true).apply(allPixels(manager)).toFloatArray();
            // float32 evaluation of x = -1 + 2 p / 255 and x = logit(0.05 + 0.9 p / 255): a few ulps.
            for (int p = 0; p < 256; p += 17) {
                assertThat(centred[p]).isCloseTo((float) (-1 + 2 * p / 255.0), within(1e-6f));
                double y = 0.05 + 0.9 * p / 255.0;
                assertThat(logit[p]).isCloseTo((float) Math.log(y / (1 - y)), within(2e-6f));
            }
            assertThat(centred[0]).isEqualTo(-1f);
            assertThat(centred[255]).isEqualTo(1f);
            assertThat(logit[0]).isCloseTo((float) Math.log(0.05 / 0.95), within(1e-6f));
        }
    }

    @Test
    void dequantizationSpreadsEachPixelUniformlyOverItsBin() {
        Engine.getInstance().setRandomSeed(7);
        PixelTransform transform = new PixelTransform(0, 1, true, false);
        int repeats = 400;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray pixels = allPixels(manager).reshape(1, 256).repeat(0, repeats);
            float[] v = transform.toUnitRange(transform.apply(pixels)).toFloatArray();
            double[] mean = new double[256];
            for (int i = 0; i < repeats; i++) {
                for (int p = 0; p < 256; p++) {
                    float value = v[i * 256 + p];
                    // v = (p + u) / 256 with u in [0, 1); float32 rounding may reach the upper edge.
                    assertThat(value).isBetween(p / 256f, (p + 1) / 256f);
                    mean[p] += value / repeats;
                }
            }
            for (int p = 0; p < 256; p += 15) {
                // E v = (p + 1/2) / 256 with standard error 1 / (256 sqrt(12 repeats)); 4 of them.
                assertThat(mean[p]).isCloseTo((p + 0.5) / 256, within(4 / (256 * Math.sqrt(12.0 * repeats))));
            }
        }
    }

    @Test
    void toUnitRangeClipsWhatASamplerOvershoots() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {-1.5f, -1f, 0f, 1f, 2.5f});
            assertThat(new PixelTransform(-1, 1, false, false).toUnitRange(x).toFloatArray())
                    .containsExactly(0f, 0f, 0.5f, 1f, 1f);
            // sigmoid(-1.5) = 0.182 is above alpha, sigmoid(-5) = 0.0067 below it: clipped to 0.
            NDArray z = manager.create(new float[] {-5f, 5f});
            assertThat(new PixelTransform(0, 1, false, true).toUnitRange(z).toFloatArray()).containsExactly(0f, 1f);
        }
    }

    @Test
    void describesItsRangeForBitsPerDimension() {
        assertThat(new PixelTransform(-1, 1, true, false).rangeWidth()).isEqualTo(2.0);
        assertThat(new PixelTransform(0, 1, false, false).rangeWidth()).isEqualTo(1.0);
        assertThat(new PixelTransform(0, 1, false, true).logit()).isTrue();
        assertThat(new PixelTransform(0, 1, true, false).logit()).isFalse();
        assertThat(new PixelTransform(0, 1, true, false).dequantize()).isTrue();
    }

    @Test
    void invalidRangesAreUserErrors() {
        assertThatThrownBy(() -> new PixelTransform(1, -1, false, false)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("lo < hi");
        assertThatThrownBy(() -> new PixelTransform(-1, 1, false, true)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("needs range = [0, 1]");
    }
}
