package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The radix depth sort against the plain comparison sort, on random and edge-case keys. */
class DepthSortTest {

    /** Order written out by hand: NaN first, then descending, ties by index, +0 before −0, −∞ last. */
    @Test
    void handWrittenOrderWithEdgeCases() {
        float[] d = {1f, 3f, 2f, 3f, Float.NaN, -0.0f, 0.0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
            -2.5f, Float.MIN_VALUE, -Float.MIN_VALUE};
        int[] want = {4, 8, 1, 3, 2, 0, 10, 6, 5, 11, 9, 7};
        int[] got = new int[d.length];
        new DepthSort(d.length).sortDescending(d, d.length, got);
        assertArrayEquals(want, got);
        int[] ref = new int[d.length];
        DepthSort.referenceSortDescending(d, d.length, ref);
        assertArrayEquals(want, ref, "the reference agrees with the hand-written order");
    }

    @Test
    void randomKeysMatchReferenceAndPackedLongSort() {
        Random rnd = new Random(42);
        DepthSort sort = new DepthSort(50_000);
        for (int trial = 0; trial < 12; trial++) {
            int n = trial == 0 ? 0 : trial == 1 ? 1 : 1 + rnd.nextInt(50_000);
            float[] d = randomDepths(rnd, n, trial);
            int[] got = new int[n];
            int[] ref = new int[n];
            int[] packed = new int[n];
            sort.sortDescending(d, n, got);
            DepthSort.referenceSortDescending(d, n, ref);
            DepthSort.packedLongSortDescending(d, n, new long[n], packed);
            assertArrayEquals(ref, got, "trial " + trial + ", n = " + n);
            assertArrayEquals(ref, packed, "packed-long sort, trial " + trial);
        }
    }

    /** Depth patterns that make one or both radix passes trivial (skipped). */
    @Test
    void keysThatSkipPasses() {
        DepthSort sort = new DepthSort(4096);
        float[][] cases = new float[4][4096];
        int one = Float.floatToIntBits(1f); // low 16 bits are zero
        for (int i = 0; i < 4096; i++) {
            cases[0][i] = 7.25f; // all equal: no pass moves anything
            cases[1][i] = Float.intBitsToFloat(one + (i * 7919) % 65536); // low digit only
            cases[2][i] = Float.intBitsToFloat(one + (((i * 31) % 97) << 16)); // high digit only
            cases[3][i] = (i % 2 == 0 ? 1 : -1) * (float) Math.pow(2, (i * 13) % 40 - 20); // sign and exponent
        }
        for (int c = 0; c < cases.length; c++) {
            int[] got = new int[4096];
            int[] ref = new int[4096];
            sort.sortDescending(cases[c], 4096, got);
            DepthSort.referenceSortDescending(cases[c], 4096, ref);
            assertArrayEquals(ref, got, "case " + c);
        }
    }

    @Test
    void scratchIsReusedAndCallsAllocateNothing() {
        int n = 20_000;
        DepthSort sort = new DepthSort(n);
        Random rnd = new Random(1);
        float[] d = randomDepths(rnd, n, 5);
        int[] out = new int[n];
        for (int i = 0; i < 50; i++) {
            sort.sortDescending(d, n, out); // warm up (JIT)
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100; i++) {
            sort.sortDescending(d, n, out);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "100 sorts allocated " + allocated + " bytes");
        // a smaller input after a larger one still sorts correctly with the same scratch
        float[] small = Arrays.copyOf(randomDepths(rnd, 100, 3), 100);
        int[] got = new int[100];
        int[] ref = new int[100];
        sort.sortDescending(small, 100, got);
        DepthSort.referenceSortDescending(small, 100, ref);
        assertArrayEquals(ref, got);
    }

    @Test
    void rejectsTooManySplats() {
        DepthSort sort = new DepthSort(10);
        assertThrows(IllegalArgumentException.class, () -> sort.sortDescending(new float[11], 11, new int[11]));
        assertEquals(10, sort.capacity());
    }

    /** Random depths of several kinds; many ties and the special values are mixed in. */
    static float[] randomDepths(Random rnd, int n, int kind) {
        float[] d = new float[n];
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};
        for (int i = 0; i < n; i++) {
            switch ((kind + i) % 4) {
                case 0 -> d[i] = (float) (rnd.nextGaussian() * 100);
                case 1 -> d[i] = rnd.nextInt(50) * 0.5f - 10; // many equal depths
                case 2 -> d[i] = special[rnd.nextInt(special.length)];
                default -> d[i] = Float.intBitsToFloat(rnd.nextInt()); // any bit pattern, NaN payloads included
            }
        }
        return d;
    }
}
