package io.scorelab.plugins.architectures;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.scorelab.api.Architecture;
import io.scorelab.api.Options;
import io.scorelab.api.ScorelabException;
import java.util.List;

/**
 * A small noise-conditional U-Net F_theta(x, c) for images x of shape (c, h, w), after DDPM (Ho et
 * al. 2020) with one skip per level. Level i (i = 0, ..., L-1, L = channel_mult's length) works at
 * resolution r_i = ceil(r_{i-1} / 2) with C_i = channels * channel_mult[i] channels:
 *
 * <pre>
 *   t   = silu(W_2 silu(W_1 e(c) + b_1) + b_2)       (4 C_0 units; e: {@link NoiseEmbedding}),
 *   h   = conv_in(x),
 *   down, level i: h = Res(h, t) res_blocks times (to C_i);  s_i = h;  h = conv_stride2(h)   (i &lt; L-1),
 *   lowest level:  h = Attention(h)                   (if attention),
 *   up, level i = L-2, ..., 0: h = conv(crop_{r_i}(nearest_2x(h))) (to C_i);  h = [h, s_i];
 *                  h = Res(h, t) res_blocks times (to C_i),
 *   score head:  F = conv_out(silu(GN(h)))                        (shape (c, h, w)),
 *   energy head: F = w^T mean_{positions} silu(GN(h)) + b         (shape (1)),
 * </pre>
 *
 * <p>Res is a {@link ConvResidualBlock}, Attention a {@link SelfAttention}, GN a {@link GroupNorm}
 * of {@code groups} groups; every convolution is 3x3 with padding 1. A stride-2 convolution maps r
 * to ceil(r / 2), so sizes that do not halve evenly (28, 14, 7, 4) work: on the way up the doubled
 * map is cropped to the size of the skip it joins. The network is smooth (SiLU, GroupNorm, softmax,
 * nearest upsampling, mean pooling), so the energy head is twice differentiable.
 */
public final class UNetArchitecture implements Architecture {

    private final int[] levelChannels;
    private final int resBlocks;
    private final boolean attention;
    private final int groups;
    private final String embedding;
    private final int embeddingDim;
    private final double fourierScale;

    @Inject
    UNetArchitecture(@Named("architecture") Options options) {
        this(
                options.positiveInt("channels"),
                channelMultipliers(options),
                options.positiveInt("res_blocks"),
                options.getBoolean("attention"),
                dividingGroups(options),
                options.oneOf("embedding", NoiseEmbedding.KINDS),
                MlpArchitecture.evenEmbeddingDim(options),
                options.positiveDouble("fourier_scale"));
    }

    /**
     * @param channels the channels of the first level, at least 1
     * @param channelMult one positive multiplier of {@code channels} per resolution level
     * @param resBlocks residual blocks per level and direction, at least 1
     * @param attention whether to apply self-attention at the lowest resolution
     * @param groups the GroupNorm groups, a divisor of every channels * channelMult[i]
     * @param embedding the noise embedding, sinusoidal or fourier
     * @param embeddingDim the size of the embedding of c_noise: positive and even
     * @param fourierScale the standard deviation of the fourier embedding's frequencies, positive
     */
    public UNetArchitecture(
            int channels,
            List<Integer> channelMult,
            int resBlocks,
            boolean attention,
            int groups,
            String embedding,
            int embeddingDim,
            double fourierScale) {
        boolean valid = channels >= 1 && !channelMult.isEmpty() && resBlocks >= 1 && groups >= 1
                && embeddingDim >= 1 && embeddingDim % 2 == 0 && NoiseEmbedding.KINDS.contains(embedding)
                && fourierScale > 0 && !Double.isInfinite(fourierScale)
                && channelMult.stream().allMatch(m -> m >= 1 && (long) channels * m % groups == 0);
        if (!valid) {
            throw new ScorelabException(
                    "unet architecture needs channels >= 1, a non-empty channel_mult of positive integers with"
                            + " every channels * channel_mult[i] divisible by groups, res_blocks >= 1, groups >= 1,"
                            + " an embedding among " + String.join(", ", NoiseEmbedding.KINDS)
                            + ", a positive even embedding_dim and a positive fourier_scale; got channels = "
                            + channels + ", channel_mult = " + channelMult + ", res_blocks = " + resBlocks
                            + ", groups = " + groups + ", embedding = " + embedding + ", embedding_dim = "
                            + embeddingDim + ", fourier_scale = " + fourierScale);
        }
        this.levelChannels = channelMult.stream().mapToInt(m -> channels * m).toArray();
        this.resBlocks = resBlocks;
        this.attention = attention;
        this.groups = groups;
        this.embedding = embedding;
        this.embeddingDim = embeddingDim;
        this.fourierScale = fourierScale;
    }

    private static List<Integer> channelMultipliers(Options options) {
        List<Double> values = options.getDoubleList("channel_mult");
        if (values.isEmpty() || values.stream().anyMatch(m -> !(m >= 1) || m != Math.rint(m))) {
            throw options.invalid("channel_mult", "a non-empty list of positive integers, such as [1, 2]");
        }
        return values.stream().map(Double::intValue).toList();
    }

    private static int dividingGroups(Options options) {
        int channels = options.positiveInt("channels");
        int groups = options.positiveInt("groups");
        List<Integer> channelMult = channelMultipliers(options);
        if (channelMult.stream().anyMatch(m -> (long) channels * m % groups != 0)) {
            throw options.invalid("groups", "a divisor of every channels * channel_mult[i] (channels = " + channels
                    + ", channel_mult = " + channelMult + ")");
        }
        return groups;
    }

    @Override
    public Block build(Shape inputShape, Shape outputShape) {
        if (inputShape.dimension() != 3) {
            throw new ScorelabException("unet needs images of shape (channels, height, width); got examples of shape "
                    + inputShape + ": use mlp or resmlp for vectors");
        }
        if (!outputShape.equals(inputShape) && !outputShape.equals(new Shape(1))) {
            throw new ScorelabException("unet outputs the example's shape " + inputShape
                    + " or (1) for an energy; got output shape " + outputShape);
        }
        return new UNetBlock(inputShape, outputShape, levelChannels, resBlocks, attention, groups,
                new NoiseEmbedding(embedding, embeddingDim, fourierScale));
    }
}
