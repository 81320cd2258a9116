package io.scorelab.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.ref.Cleaner;

/**
 * Standard normal noise for a batch of samples that gives every sample its own stream: row r of a
 * batch is sample k = first + r, and element j of the c-th draw (the c-th call of {@link #normal})
 * of sample k is a pure function of (seed, k, c, j). Sample k therefore gets the same noise whether
 * it is drawn in a batch of 2000, in a batch of 37, or alone with first = k.
 *
 * <p>The uniforms come from Widynski's counter-based generator Squares (B. Widynski, "Squares: a fast
 * counter-based RNG", arXiv:2004.06278), in its 32-bit form, with one counter per sample, draw and
 * element slot i, and a key derived from the seed. All arithmetic is on unsigned 64-bit words (mod
 * 2^64), and rot32 swaps the two 32-bit halves of a word:
 *
 * <pre>
 *   ctr = k 2^40 + c 2^20 + i,     y = ctr key,     z = y + key,
 *   x = rot32(y^2 + y),   x = rot32(x^2 + z),   x = rot32(x^2 + y),   r = (x^2 + z) &gt;&gt;&gt; 32,
 *   u = (r + 1/2) / 2^32                                                  (in (0, 1), never 0 or 1).
 * </pre>
 *
 * Box-Muller turns the uniforms of slots i = 2p and 2p + 1 into the elements j = 2p and 2p + 1:
 *
 * <pre>
 *   z_{2p} = sqrt(-2 ln u_{2p}) cos(2 pi u_{2p+1}),     z_{2p+1} = sqrt(-2 ln u_{2p}) sin(2 pi u_{2p+1}),
 * </pre>
 *
 * computed in float64 and returned in the requested type. Everything runs on the manager's device,
 * with no copy to the host. The counter layout bounds the ranges: samples k &lt; 2^24, draws c &lt; 2^20
 * per sample and at most 2^20 elements per sample.
 *
 * <p>A SampleNoise counts its draws, so one instance serves one sampler run: a fresh instance with the
 * same seed and first sample repeats the run's noise exactly. It computes up to 64 draws of a shape
 * ahead in one block (the engine's cost per operation, not per number, dominates small draws), held
 * by a manager of its own: close it when the run is done (it is also freed when collected).
 */
public final class SampleNoise implements AutoCloseable {

    /** Samples are numbered 0 to 2^24 - 1. */
    public static final long MAX_SAMPLES = 1L << 24;
    /** A sample has at most 2^20 draws. */
    public static final long MAX_DRAWS = 1L << 20;
    /** A draw has at most 2^20 elements per sample. */
    public static final long MAX_ELEMENTS = 1L << 20;

    private static final long SAMPLE_STRIDE = 1L << 40;
    private static final long DRAW_STRIDE = 1L << 20;
    private static final long HALF = 1L << 32;

    /** At most this many draws are computed ahead, in one block. */
    static final long BLOCK_DRAWS = 64;
    /** A block holds about this many numbers at most (at least one draw). */
    static final long BLOCK_ELEMENTS = 1L << 20;
    /** Frees a block's memory when a SampleNoise that was not closed is collected. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final long seed;
    private final long first;
    private final long key;
    private long draws;
    private NDManager blockManager;
    private Cleaner.Cleanable cleanup;
    private NDArray block;
    private Shape blockShape;
    private long blockNext;
    /** Blocks grow 1, 2, 4, ... draws up to {@link #BLOCK_DRAWS}: a sampler of few draws computes few ahead. */
    private long ahead = 1;

    /**
     * @param seed the seed; different seeds give different keys
     * @param first the index k of the batch's first sample, in [0, 2^24)
     * @throws ScorelabException if first is out of range
     */
    public SampleNoise(long seed, long first) {
        if (first < 0 || first >= MAX_SAMPLES) {
            throw new ScorelabException("the first sample's index must lie in [0, " + MAX_SAMPLES + "), got " + first);
        }
        this.seed = seed;
        this.first = first;
        this.key = key(seed);
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return the index k of the first row's sample */
    public long first() {
        return first;
    }

    /** @return the number of draws made so far, which is the index c of the next draw */
    public long draws() {
        return draws;
    }

    /**
     * The next draw: standard normal values for the samples first, ..., first + n - 1.
     *
     * @param manager owns the result, on its device
     * @param shape (n, d...): row r is sample first + r
     * @param type the result's type (a floating-point type)
     * @return N(0, I) values of that shape
     * @throws ScorelabException if the samples, the draws or the elements per sample leave their ranges
     */
    public NDArray normal(NDManager manager, Shape shape, DataType type) {
        long n = shape.get(0);
        long elements = n == 0 ? 0 : shape.size() / n;
        if (first + n > MAX_SAMPLES) {
            throw new ScorelabException("samples " + first + " to " + (first + n - 1) + " were asked for; per-sample"
                    + " noise numbers samples below " + MAX_SAMPLES);
        }
        if (elements > MAX_ELEMENTS) {
            throw new ScorelabException("a sample of shape " + shape.slice(1) + " has " + elements + " elements; per-sample"
                    + " noise draws at most " + MAX_ELEMENTS + " per sample");
        }
        if (draws >= MAX_DRAWS) {
            throw new ScorelabException("a sampler asked for more than " + MAX_DRAWS + " noise draws per sample, the"
                    + " most per-sample noise can give");
        }
        synchronized (this) {
            if (block == null || !shape.equals(blockShape) || type != block.getDataType()
                    || !manager.getDevice().equals(block.getDevice()) || blockNext == block.getShape().get(0)) {
                refill(manager, shape, type);
            }
            NDArray draw = block.get(blockNext++);
            draw.attach(manager);
            draws++;
            return draw;
        }
    }

    /**
     * Computes the next draws of this shape at once, up to {@link #BLOCK_DRAWS} of them (fewer for the
     * first blocks, see {@link #ahead}) and about
     * {@link #BLOCK_ELEMENTS} numbers in all: the engine's per-operation cost is paid once per block
     * rather than once per draw. The values are those of the draws one at a time.
     */
    private void refill(NDManager manager, Shape shape, DataType type) {
        if (blockManager == null || !blockManager.getDevice().equals(manager.getDevice())) {
            closeBlocks();
            blockManager = manager.getEngine().newBaseManager(manager.getDevice());
            cleanup = CLEANER.register(this, blockManager::close);
        }
        if (block != null) {
            block.close();
        }
        long n = shape.get(0);
        long elements = n == 0 ? 0 : shape.size() / n;
        long perDraw = Math.max(1, shape.size());
        long count = Math.max(1, Math.min(Math.min(ahead, BLOCK_ELEMENTS / perDraw), MAX_DRAWS - draws));
        ahead = Math.min(2 * ahead, BLOCK_DRAWS);
        long pairs = (elements + 1) / 2;
        try (NDManager scope = blockManager.newSubManager()) {
            NDArray samples = scope.arange((int) first, (int) (first + n), 1, DataType.INT64).reshape(1, n, 1);
            NDArray drawIndex = scope.arange((int) draws, (int) (draws + count), 1, DataType.INT64).reshape(count, 1, 1);
            NDArray slots = scope.arange(0, (int) (2 * pairs), 1, DataType.INT64).reshape(1, 1, 2 * pairs);
            NDArray counters = samples.muli(SAMPLE_STRIDE).add(drawIndex.muli(DRAW_STRIDE)).add(slots);
            NDArray uniform = squares(counters, key).addi(0.5).divi((double) HALF).reshape(count, n, pairs, 2);
            counters.close();
            NDArray radius = uniform.get(new NDIndex(":, :, :, 0")).log().muli(-2).sqrt();
            NDArray angle = uniform.get(new NDIndex(":, :, :, 1")).muli(2 * Math.PI);
            uniform.close();
            NDArray normals = NDArrays.stack(new NDList(radius.mul(angle.cos()), radius.mul(angle.sin())), 3)
                    .reshape(count, n, 2 * pairs);
            if (2 * pairs > elements) {
                normals = normals.get(new NDIndex(":, :, :{}", elements));
            }
            block = normals.reshape(new Shape(count).addAll(shape)).toType(type, false);
            block.attach(blockManager);
        }
        blockShape = shape;
        blockNext = 0;
    }

    /** Frees the draws computed ahead; the noise stays usable (the next draw computes a new block). */
    @Override
    public synchronized void close() {
        closeBlocks();
    }

    private void closeBlocks() {
        block = null;
        blockShape = null;
        if (cleanup != null) {
            cleanup.clean();
            cleanup = null;
        }
        blockManager = null;
    }

    /**
     * Squares with 32-bit output on int64 words: the engine's int64 products and sums wrap like
     * unsigned 64-bit ones (the same bits), and the halves of a word come from the remainder mod 2^32,
     * which is non-negative for a positive divisor (see {@link #high}). Works in place on its own
     * words, so that a few arrays of the counters' size are alive at a time.
     *
     * @param counters int64 counters, any shape, left as they are
     * @param key the key
     * @return the outputs r in [0, 2^32) as float64 (exact integers), shaped like the counters
     */
    static NDArray squares(NDArray counters, long key) {
        NDManager manager = counters.getManager();
        try (NDArray k = manager.create(key);
                NDArray half = manager.create(HALF);
                NDArray y = counters.mul(k);
                NDArray z = y.add(k);
                NDArray x = y.mul(y)) {
            rot32(x.addi(y), half);
            rot32(x.muli(x).addi(z), half);
            rot32(x.muli(x).addi(y), half);
            return high(x.muli(x).addi(z), half);
        }
    }

    /** Replaces x by rot32(x) = (x &lt;&lt; 32) + (x &gt;&gt;&gt; 32), mod 2^64. */
    private static void rot32(NDArray x, NDArray half) {
        try (NDArray upper = high(x, half);
                NDArray word = upper.toType(DataType.INT64, false)) {
            x.muli(half).addi(word);
        }
    }

    /**
     * The unsigned high half of a word: with the low half l = x mod 2^32, x - l = q 2^32 with q the signed
     * high half, |q| &lt;= 2^31, so (x - l) / 2^32 is exact in float64, and q mod 2^32 reads it as unsigned.
     *
     * @param x int64 words, left as they are
     * @return x &gt;&gt;&gt; 32 in [0, 2^32), float64
     */
    private static NDArray high(NDArray x, NDArray half) {
        try (NDArray multiple = x.mod(half).negi().addi(x)) {
            return multiple.toType(DataType.FLOAT64, false).divi((double) HALF).modi((double) HALF);
        }
    }

    /**
     * A key shaped by the rules of the paper's key generator ({@code keys.h} of its code), which keep
     * the key's bits irregular, with about as many ones as zeros: sixteen non-zero hex digits, the eight
     * lower ones distinct with the lowest one odd, the eight upper ones distinct (stricter than the
     * generator, which only keeps them apart from the lowest upper digit) with the lowest of them unlike
     * the digit below it. The digits are chosen from the seed by splitmix64 (Steele, Lea and Flood 2014).
     *
     * @return the key of a seed
     */
    static long key(long seed) {
        long[] state = {seed};
        long key = 0;
        boolean[] used = new boolean[16];
        int below = 0;
        for (int position = 0; position < 16; position++) {
            if (position == 8) {
                used = new boolean[16];
            }
            int[] choices = new int[15];
            int count = 0;
            for (int digit = 1; digit < 16; digit++) {
                boolean allowed = !used[digit] && (position != 0 || digit % 2 == 1) && (position != 8 || digit != below);
                if (allowed) {
                    choices[count++] = digit;
                }
            }
            int digit = choices[(int) Long.remainderUnsigned(splitmix64(state), count)];
            used[digit] = true;
            below = digit;
            key |= (long) digit << (4 * position);
        }
        return key;
    }

    /** @return the next output of splitmix64, advancing state[0] */
    private static long splitmix64(long[] state) {
        long z = state[0] += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
