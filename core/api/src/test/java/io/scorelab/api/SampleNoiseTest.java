package io.scorelab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-sample generator against a plain Java implementation of Squares (bit for bit) and of Box-Muller, its
 * statistics on 10^5 draws, and its contract: a sample's noise does not depend on its batch.
 */
class SampleNoiseTest {

    /** n = 10^5 normals: the standard errors of mean, variance, skewness and excess kurtosis are sqrt(c / n). */
    private static final int N = 100_000;

    /** Squares32 as in the paper, on Java's long (whose products and sums wrap mod 2^64 like uint64_t's). */
    static long squares32(long ctr, long key) {
        long y = ctr * key;
        long x = y;
        long z = y + key;
        x = x * x + y;
        x = (x >>> 32) | (x << 32);
        x = x * x + z;
        x = (x >>> 32) | (x << 32);
        x = x * x + y;
        x = (x >>> 32) | (x << 32);
        return (x * x + z) >>> 32;
    }

    /** Element j of draw c of sample k, by Box-Muller on the host. */
    static double normal(long key, long k, long c, long j) {
        long base = k * (1L << 40) + c * (1L << 20) + 2 * (j / 2);
        double u1 = (squares32(base, key) + 0.5) / 4294967296.0;
        double u2 = (squares32(base + 1, key) + 0.5) / 4294967296.0;
        double radius = Math.sqrt(-2 * Math.log(u1));
        return j % 2 == 0 ? radius * Math.cos(2 * Math.PI * u2) : radius * Math.sin(2 * Math.PI * u2);
    }

    /**
     * 4096 counters per key: random 64-bit words (whose products overflow in every round), the structured
     * counters of samples up to 2^24 - 1, and the extreme words; three keys.
     */
    @Test
    void theDeviceGeneratorMatchesSquaresBitForBit() {
        long[] counters = new long[4096];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 2048; i++) {
            counters[i] = random.nextLong();
        }
        for (int i = 2048; i < 4092; i++) {
            long k = random.nextLong(SampleNoise.MAX_SAMPLES);
            counters[i] = k * (1L << 40) + random.nextLong(1L << 20) * (1L << 20) + random.nextLong(1L << 20);
        }
        counters[4092] = 0;
        counters[4093] = -1;
        counters[4094] = Long.MIN_VALUE;
        counters[4095] = Long.MAX_VALUE;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (long key : new long[] {SampleNoise.key(0), SampleNoise.key(-7), 0xc58efd154ce32f6dL}) {
                long[] device = SampleNoise.squares(manager.create(counters), key).toType(DataType.INT64, false)
                        .toLongArray();
                long[] expected = Arrays.stream(counters).map(ctr -> squares32(ctr, key)).toArray();
                assertThat(device).containsExactly(expected);
            }
        }
    }

    /**
     * Two draws of shape (5, 3) for samples 3 to 7: an odd element count leaves the last pair's sine unused.
     * Tolerance 1e-12: the engine's float64 log, cos and sin and Java's agree to a few ulps of values below 7.
     */
    @Test
    void normalsAreBoxMullerOfTheCountersOfSampleDrawAndElement() {
        SampleNoise noise = new SampleNoise(42, 3);
        long key = SampleNoise.key(42);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (long c = 0; c < 2; c++) {
                assertThat(noise.draws()).isEqualTo(c);
                double[] values = noise.normal(manager, new Shape(5, 3), DataType.FLOAT64).toDoubleArray();
                for (int r = 0; r < 5; r++) {
                    for (int j = 0; j < 3; j++) {
                        assertThat(values[3 * r + j]).as("sample %d, draw %d, element %d", 3 + r, c, j)
                                .isCloseTo(normal(key, 3 + r, c, j), within(1e-12));
                    }
                }
            }
        }
    }

    /**
     * Draws computed ahead in blocks (1, 2, 4, ... 64 draws) are the draws one at a time: 200 draws cross
     * seven block boundaries, a change of shape in the middle starts a new block, and closing the noise
     * midway only drops what was computed ahead.
     */
    @Test
    void blocksOfDrawsAreTheDrawsOneAtATime() {
        long key = SampleNoise.key(7);
        try (NDManager manager = NDManager.newBaseManager(); SampleNoise noise = new SampleNoise(7, 11)) {
            for (long c = 0; c < 200; c++) {
                Shape shape = c == 100 ? new Shape(2, 5) : new Shape(2, 3);
                if (c == 150) {
                    noise.close();
                }
                double[] values;
                try (NDManager step = manager.newSubManager()) {
                    values = noise.normal(step, shape, DataType.FLOAT64).toDoubleArray();
                }
                int elements = (int) shape.get(1);
                for (int r = 0; r < 2; r++) {
                    for (int j = 0; j < elements; j++) {
                        assertThat(values[elements * r + j]).as("sample %d, draw %d, element %d", 11 + r, c, j)
                                .isCloseTo(normal(key, 11 + r, c, j), within(1e-12));
                    }
                }
            }
        }
    }

    /**
     * What a draw costs against the engine's own generator (printed; see docs/samplers.md, Seeding). The
     * only assertion is a loose one, that blocks keep a small draw within 100 times randomNormal's cost:
     * one engine call per draw, as before blocks, measured about 40 times on the 2-core machine.
     */
    @Test
    void costOfADrawAgainstTheEnginesGenerator() {
        double[] ratio = new double[1];
        for (Shape shape : new Shape[] {new Shape(2000, 2), new Shape(64, 3, 32, 32)}) {
            int draws = shape.size() > 10_000 ? 100 : 1000;
            try (NDManager manager = NDManager.newBaseManager(); SampleNoise noise = new SampleNoise(0, 0)) {
                long start = System.nanoTime();
                for (int i = 0; i < draws; i++) {
                    try (NDManager step = manager.newSubManager()) {
                        noise.normal(step, shape, DataType.FLOAT32);
                    }
                }
                long middle = System.nanoTime();
                for (int i = 0; i < draws; i++) {
                    try (NDManager step = manager.newSubManager()) {
                        step.randomNormal(0f, 1f, shape, DataType.FLOAT32);
                    }
                }
                long end = System.nanoTime();
                double ours = (middle - start) / 1e9 * 1000 / draws;
                double engine = (end - middle) / 1e9 * 1000 / draws;
                System.out.printf(java.util.Locale.ROOT, "SampleNoise %s: %.2f s per 1000 draws, randomNormal %.2f s;"
                        + " ratio %.1f%n", shape, ours, engine, ours / engine);
                if (shape.size() < 10_000) {
                    ratio[0] = ours / engine;
                }
            }
        }
        assertThat(ratio[0]).isLessThan(100);
    }

    /**
     * 10^5 normals (1000 samples of 100 elements): mean 0 (SE 1 / sqrt(n) = 0.0032), variance 1 (SE sqrt(2 / n) =
     * 0.0045), skewness 0 (SE sqrt(6 / n) = 0.0077), excess kurtosis 0 (SE sqrt(24 / n) = 0.015), each within 4 SE;
     * and the Kolmogorov-Smirnov distance to Phi below 1.95 / sqrt(n) = 0.0062, its 0.1 % critical value.
     */
    @Test
    void normalsHaveTheMomentsAndDistributionOfN01() {
        double[] z;
        try (NDManager manager = NDManager.newBaseManager()) {
            z = new SampleNoise(3, 0).normal(manager, new Shape(1000, 100), DataType.FLOAT64).toDoubleArray();
        }
        double mean = Arrays.stream(z).average().orElseThrow();
        double m2 = 0;
        double m3 = 0;
        double m4 = 0;
        for (double v : z) {
            double d = v - mean;
            m2 += d * d / N;
            m3 += d * d * d / N;
            m4 += d * d * d * d / N;
        }
        assertThat(mean).as("mean").isCloseTo(0, within(4 / Math.sqrt(N)));
        assertThat(m2).as("variance").isCloseTo(1, within(4 * Math.sqrt(2.0 / N)));
        assertThat(m3 / Math.pow(m2, 1.5)).as("skewness").isCloseTo(0, within(4 * Math.sqrt(6.0 / N)));
        assertThat(m4 / (m2 * m2) - 3).as("excess kurtosis").isCloseTo(0, within(4 * Math.sqrt(24.0 / N)));
        Arrays.sort(z);
        double distance = 0;
        for (int i = 0; i < N; i++) {
            double phi = phi(z[i]);
            distance = Math.max(distance, Math.max(Math.abs((i + 1.0) / N - phi), Math.abs(phi - (double) i / N)));
        }
        assertThat(distance).as("KS distance").isLessThan(1.95 / Math.sqrt(N));
    }

    /**
     * Neighbours in sample, draw and element are uncorrelated: with 2 draws of 200 samples x 500 elements, each
     * correlation (about 10^5 pairs) is within 4 / sqrt(pairs) = 0.013 of 0. Elements 2p and 2p + 1 share their
     * Box-Muller radius: the cosine and sine are uncorrelated all the same.
     */
    @Test
    void neighbouringSamplesDrawsAndElementsAreUncorrelated() {
        double[] first;
        double[] second;
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleNoise noise = new SampleNoise(9, 0);
            first = noise.normal(manager, new Shape(200, 500), DataType.FLOAT64).toDoubleArray();
            second = noise.normal(manager, new Shape(200, 500), DataType.FLOAT64).toDoubleArray();
        }
        double[] sampleA = new double[199 * 500];
        double[] sampleB = new double[199 * 500];
        System.arraycopy(first, 0, sampleA, 0, sampleA.length);
        System.arraycopy(first, 500, sampleB, 0, sampleB.length);
        double[] elementA = new double[200 * 499];
        double[] elementB = new double[200 * 499];
        for (int k = 0; k < 200; k++) {
            System.arraycopy(first, 500 * k, elementA, 499 * k, 499);
            System.arraycopy(first, 500 * k + 1, elementB, 499 * k, 499);
        }
        assertThat(correlation(sampleA, sampleB)).as("k, k + 1").isCloseTo(0, within(4 / Math.sqrt(sampleA.length)));
        assertThat(correlation(elementA, elementB)).as("j, j + 1").isCloseTo(0, within(4 / Math.sqrt(elementA.length)));
        assertThat(correlation(first, second)).as("c, c + 1").isCloseTo(0, within(4 / Math.sqrt(first.length)));
    }

    /**
     * Samples 0 to 36 drawn together, then as 5 + 32, then sample 13 alone: the same values in every batch, in
     * float64 and float32, draw after draw.
     */
    @Test
    void aSampleGetsTheSameNoiseInAnyBatch() {
        Shape example = new Shape(3, 2, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
                SampleNoise all = new SampleNoise(5, 0);
                SampleNoise head = new SampleNoise(5, 0);
                SampleNoise tail = new SampleNoise(5, 5);
                SampleNoise alone = new SampleNoise(5, 13);
                for (int c = 0; c < 3; c++) {
                    NDArray batch = all.normal(manager, new Shape(37).addAll(example), type);
                    NDArray split = head.normal(manager, new Shape(5).addAll(example), type)
                            .concat(tail.normal(manager, new Shape(32).addAll(example), type));
                    NDArray single = alone.normal(manager, new Shape(1).addAll(example), type);
                    assertThat(split.toType(DataType.FLOAT64, false).toDoubleArray())
                            .containsExactly(batch.toType(DataType.FLOAT64, false).toDoubleArray());
                    assertThat(single.toType(DataType.FLOAT64, false).toDoubleArray()).containsExactly(
                            batch.get(new NDIndex("13:14")).toType(DataType.FLOAT64, false).toDoubleArray());
                    assertThat(batch.getDataType()).isEqualTo(type);
                }
            }
        }
    }

    @Test
    void differentSeedsGiveDifferentNoiseAndDifferentDrawsDiffer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleNoise noise = new SampleNoise(0, 0);
            float[] a = noise.normal(manager, new Shape(4, 2), DataType.FLOAT32).toFloatArray();
            float[] b = noise.normal(manager, new Shape(4, 2), DataType.FLOAT32).toFloatArray();
            float[] other = new SampleNoise(1, 0).normal(manager, new Shape(4, 2), DataType.FLOAT32).toFloatArray();
            float[] again = new SampleNoise(0, 0).normal(manager, new Shape(4, 2), DataType.FLOAT32).toFloatArray();
            assertThat(again).containsExactly(a);
            assertThat(b).isNotEqualTo(a);
            assertThat(other).isNotEqualTo(a);
        }
    }

    /** Keys of 1000 seeds: distinct, and with the paper's structure (non-zero hex digits, distinct in each half, odd). */
    @Test
    void keysHaveTheStructureThePaperAsksFor() {
        long[] keys = new long[1000];
        for (int s = 0; s < keys.length; s++) {
            long key = SampleNoise.key(s - 500);
            keys[s] = key;
            assertThat(key & 1).isEqualTo(1);
            for (int half = 0; half < 2; half++) {
                boolean[] seen = new boolean[16];
                for (int position = 8 * half; position < 8 * half + 8; position++) {
                    int digit = (int) (key >>> (4 * position)) & 0xF;
                    assertThat(digit).isNotZero();
                    assertThat(seen[digit]).as("digit %x repeated in key %x", digit, key).isFalse();
                    seen[digit] = true;
                }
            }
            assertThat((key >>> 32) & 0xF).isNotEqualTo((key >>> 28) & 0xF);
        }
        assertThat(Arrays.stream(keys).distinct().count()).isEqualTo(keys.length);
    }

    @Test
    void samplesElementsAndFirstIndicesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new SampleNoise(0, -1)).isInstanceOf(ScorelabException.class)
                .hasMessageContaining("[0, 16777216)");
        assertThatThrownBy(() -> new SampleNoise(0, SampleNoise.MAX_SAMPLES)).isInstanceOf(ScorelabException.class);
        try (NDManager manager = NDManager.newBaseManager()) {
            SampleNoise late = new SampleNoise(0, SampleNoise.MAX_SAMPLES - 2);
            assertThatThrownBy(() -> late.normal(manager, new Shape(3, 2), DataType.FLOAT32))
                    .isInstanceOf(ScorelabException.class).hasMessageContaining("samples 16777214 to 16777216");
            SampleNoise wide = new SampleNoise(0, 0);
            assertThatThrownBy(() -> wide.normal(manager, new Shape(1, SampleNoise.MAX_ELEMENTS + 1), DataType.FLOAT32))
                    .isInstanceOf(ScorelabException.class).hasMessageContaining("1048577 elements");
            assertThat(late.draws()).isZero();
        }
    }

    /** The standard normal CDF from the Chebyshev fit of erfc (Numerical Recipes' erfcc, fractional error below 1.2e-7). */
    private static double phi(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc / 2 : erfc / 2;
    }

    private static double correlation(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow();
        double mb = Arrays.stream(b).average().orElseThrow();
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }
}
