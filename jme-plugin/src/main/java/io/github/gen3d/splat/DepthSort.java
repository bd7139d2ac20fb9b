package io.github.gen3d.splat;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Back-to-front ordering of splats by a float depth key: an LSD radix sort of 32-bit keys with two 16-bit digits
 * (a counting pass and two scatter passes) and scratch allocated once and reused by every call.
 *
 * <p>Digit size: on this project's reference machine 2 × 16 bits sorted 1M keys in about 7 ms against about 9 ms for
 * 3 × 11 bits (the same packed-long layout; the 11-bit version's extra pass over 8 MB costs more than the larger,
 * L2-resident counters), see {@code SortBench} in docs/rendering.md.
 *
 * <h2>Order</h2>
 * {@link #sortDescending} writes the splat indices so that {@code depth[order[0]]} is the <b>largest</b> (farthest)
 * depth: the order a back-to-front painter needs. Ties keep ascending index order (the sort is stable). The order
 * is exactly {@link Float#compare} reversed: NaN counts as larger than {@code +∞} (drawn first), {@code 0.0f} as
 * larger than {@code -0.0f}.
 *
 * <h2>Keys</h2>
 * A float's bits become an unsigned key that orders like the float: negative values get all bits flipped, others
 * only the sign bit; NaNs are canonicalised first ({@link Float#floatToIntBits}). The key is then complemented so
 * that ascending keys mean descending depth.
 *
 * <p>{@link #referenceSortDescending} is the plain, obviously correct version (boxed indices, a comparator and
 * {@link Arrays#sort(Object[], Comparator)}) that the parity test holds the fast one to.
 *
 * <p>Not thread-safe: one instance per sorting thread.
 */
final class DepthSort {
    private static final int BITS = 16;
    private static final int BUCKETS = 1 << BITS;
    private static final int MASK = BUCKETS - 1;

    private final int capacity;
    /** Packed (key &lt;&lt; 32 | index) entries after the first pass. */
    private final long[] buf;
    /** Histograms, then bucket offsets, of the low digit [0, 65536) and the high digit [65536, 131072). */
    private final int[] hist = new int[2 * BUCKETS];

    /**
     * Allocates scratch for up to {@code capacity} splats (one long array of that length, 512 KiB of counters).
     *
     * @param capacity the most splats one call may sort (&ge; 0)
     */
    DepthSort(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        buf = new long[capacity];
    }

    /** @return the most splats one call may sort */
    int capacity() {
        return capacity;
    }

    /**
     * The unsigned radix key of a depth: ascending keys mean descending depth ({@link Float#compare} reversed).
     *
     * @param depth any float
     * @return the key (compare with {@link Integer#compareUnsigned})
     */
    static int descendingKey(float depth) {
        int bits = Float.floatToIntBits(depth);
        // ascending: flip all bits of negatives, only the sign bit of the rest; descending: complement that
        return ~(bits ^ ((bits >> 31) | 0x80000000));
    }

    /**
     * Sorts splat indices {@code 0 .. n-1} by descending depth (farthest first), stable. Allocates nothing.
     *
     * <p>One pass counts both 16-bit digits; the first scatter pass computes the keys again from the depths and
     * moves packed {@code key << 32 | index} longs by the low digit, the second writes the indices by the high
     * digit. A pass whose digit is the same for every key is skipped.
     *
     * @param depth depth per splat (not null, unaffected; length &ge; n)
     * @param n number of splats (0 ≤ n ≤ {@link #capacity()})
     * @param order receives the indices (not null, length &ge; n, modified)
     */
    void sortDescending(float[] depth, int n, int[] order) {
        if (n < 0 || n > capacity || depth.length < n || order.length < n) {
            throw new IllegalArgumentException("n=" + n + " out of range (capacity " + capacity + ", depth "
                    + depth.length + ", order " + order.length + ")");
        }
        final int[] h = hist;
        Arrays.fill(h, 0);
        for (int i = 0; i < n; i++) {
            int key = descendingKey(depth[i]);
            h[key & MASK]++;
            h[BUCKETS + (key >>> BITS)]++;
        }
        boolean lowMoves = !toOffsets(h, 0, n);
        boolean highMoves = !toOffsets(h, BUCKETS, n);
        if (lowMoves && highMoves) {
            long[] b = buf;
            for (int i = 0; i < n; i++) {
                int key = descendingKey(depth[i]);
                b[h[key & MASK]++] = ((long) key << 32) | i;
            }
            for (int i = 0; i < n; i++) {
                long v = b[i];
                order[h[BUCKETS + (int) (v >>> (32 + BITS))]++] = (int) v;
            }
        } else if (lowMoves) {
            for (int i = 0; i < n; i++) {
                order[h[descendingKey(depth[i]) & MASK]++] = i;
            }
        } else if (highMoves) {
            for (int i = 0; i < n; i++) {
                order[h[BUCKETS + (descendingKey(depth[i]) >>> BITS)]++] = i;
            }
        } else {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
        }
    }

    /** Turns counts into start offsets in place; returns true when one bucket holds all n keys (pass is a no-op). */
    private static boolean toOffsets(int[] h, int off, int n) {
        int sum = 0;
        boolean trivial = false;
        for (int b = 0; b < BUCKETS; b++) {
            int c = h[off + b];
            if (c == n) {
                trivial = true;
            }
            h[off + b] = sum;
            sum += c;
        }
        return trivial;
    }

    /**
     * Plain reference: the same order as {@link #sortDescending}, by a stable comparison sort of boxed indices.
     *
     * @param depth depth per splat (not null, unaffected)
     * @param n number of splats
     * @param order receives the indices (not null, length &ge; n, modified)
     */
    static void referenceSortDescending(float[] depth, int n, int[] order) {
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        // Arrays.sort on objects is a stable merge sort: ties keep ascending index order
        Arrays.sort(boxed, (a, b) -> Float.compare(depth[b], depth[a]));
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
    }

    /**
     * The usual alternative: pack {@code key << 32 | index} into longs and {@link Arrays#sort(long[])} them. Same
     * order as {@link #sortDescending}; kept for the benchmark and checked by the parity test.
     *
     * @param depth depth per splat (not null, unaffected)
     * @param n number of splats
     * @param packed scratch of length &ge; n (not null, modified)
     * @param order receives the indices (not null, length &ge; n, modified)
     */
    static void packedLongSortDescending(float[] depth, int n, long[] packed, int[] order) {
        for (int i = 0; i < n; i++) {
            // shift the unsigned key into signed range so that the signed long order is the unsigned key order
            long key = descendingKey(depth[i]) ^ 0x80000000;
            packed[i] = (key << 32) | i;
        }
        Arrays.sort(packed, 0, n);
        for (int i = 0; i < n; i++) {
            order[i] = (int) packed[i];
        }
    }
}
