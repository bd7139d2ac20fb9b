package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import java.lang.management.ManagementFactory;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sorter's thread handoff, without GL: the test thread plays the render thread. */
class SplatSorterTest {

    static float[] randomPositions(int n, long seed) {
        Random rnd = new Random(seed);
        float[] p = new float[3 * n];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) rnd.nextGaussian();
        }
        return p;
    }

    /** True if the buffer holds a permutation of 0..n-1 in non-increasing depth along d. */
    static boolean sortedAlong(IntBuffer buf, float[] pos, int n, float[] d) {
        boolean[] seen = new boolean[n];
        float prev = Float.POSITIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            int i = buf.get(k);
            if (i < 0 || i >= n || seen[i]) {
                return false;
            }
            seen[i] = true;
            float depth = pos[3 * i] * d[0] + pos[3 * i + 1] * d[1] + pos[3 * i + 2] * d[2];
            if (depth > prev) {
                return false;
            }
            prev = depth;
        }
        return true;
    }

    @Test
    void firstUpdateSortsOnTheCallingThreadAndLaterTurnsUseTheWorker() throws Exception {
        int n = 5000;
        float[] pos = randomPositions(n, 7);
        SplatSorter s = new SplatSorter(pos, n, "unit");
        IntBuffer identity = s.front();
        for (int i = 0; i < n; i++) {
            assertEquals(i, identity.get(i));
        }
        assertNull(s.poll(), "nothing sorted yet");
        float[] d0 = {0, 0, -1};
        assertTrue(s.update(d0[0], d0[1], d0[2]));
        assertNull(s.workerThread(), "the first sort runs on the caller");
        IntBuffer b0 = s.poll();
        assertNotNull(b0, "the first order is ready at once");
        assertTrue(sortedAlong(b0, pos, n, d0));
        assertNull(s.poll(), "taken once");

        // a turn below the threshold requests nothing
        float small = (float) Math.toRadians(SplatSorter.DEFAULT_TURN_DEGREES / 2);
        assertFalse(s.update((float) Math.sin(small), 0, -(float) Math.cos(small)));
        // a large turn is sorted by the worker
        float[] d1 = {1, 0, 0};
        assertTrue(s.update(d1[0], d1[1], d1[2]));
        Thread worker = s.workerThread();
        assertNotNull(worker);
        assertTrue(worker.isDaemon());
        assertTrue(worker.getName().startsWith("gen3d-splat-sort-") && worker.getName().endsWith("-unit"),
                worker.getName());
        IntBuffer b1 = waitForOrder(s);
        assertTrue(sortedAlong(b1, pos, n, d1));
        assertEquals(2, s.swaps());
        assertTrue(s.shutdownAndWait(5000));
        assertFalse(worker.isAlive());
    }

    /**
     * The render thread keeps turning and taking orders while the worker sorts: every buffer taken must be a
     * complete order for one of the requested directions (never half written), and all three buffers circulate.
     */
    @Test
    void handoffNeverTearsUnderContinuousTurning() throws Exception {
        int n = 20_000;
        float[] pos = randomPositions(n, 9);
        SplatSorter s = new SplatSorter(pos, n, "tear");
        List<float[]> requested = new ArrayList<>();
        IdentityHashMap<IntBuffer, Boolean> seen = new IdentityHashMap<>();
        Random rnd = new Random(3);
        int checked = 0;
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end && checked < 60) {
            float[] d = randomUnit(rnd);
            if (s.update(d[0], d[1], d[2])) {
                requested.add(d);
            }
            IntBuffer b = s.poll();
            if (b != null) {
                seen.put(b, Boolean.TRUE);
                boolean ok = false;
                for (int k = requested.size() - 1; k >= 0 && !ok; k--) {
                    ok = sortedAlong(b, pos, n, requested.get(k));
                }
                assertTrue(ok, "buffer taken at check " + checked + " is not a complete order");
                checked++;
            }
            Thread.sleep(1);
        }
        assertTrue(checked >= 10, "only " + checked + " orders arrived");
        assertEquals(3, seen.size(), "all three buffers circulate");
        assertTrue(s.shutdownAndWait(5000));
    }

    /** The render-thread side (update + poll, with requests and swaps) allocates nothing. */
    @Test
    void renderThreadSideAllocatesNothing() throws Exception {
        int n = 2000;
        float[] pos = randomPositions(n, 11);
        SplatSorter s = new SplatSorter(pos, n, "alloc");
        Random rnd = new Random(5);
        float[][] dirs = new float[64][];
        for (int i = 0; i < dirs.length; i++) {
            dirs[i] = randomUnit(rnd);
        }
        for (int i = 0; i < 20_000; i++) { // warm up: JIT, worker running
            float[] d = dirs[i % dirs.length];
            s.update(d[0], d[1], d[2]);
            s.poll();
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // allocation must not grow with the number of swaps: compare a short and a five times longer run (a
        // fixed few hundred bytes come from the measurement itself and from compiling the loop). Each is measured
        // three times and the least kept: after many other tests in the same JVM, a one-off ~1.5 KB appears now and
        // then inside update() (seen at one call in 240,000, the worker unchanged: a JVM event such as a
        // deoptimisation, not the sorter's code, which allocates nothing); one object per call or per swap would
        // still add at least 16 bytes to every one of a run's thousands of calls.
        long[] allocated = {Long.MAX_VALUE, Long.MAX_VALUE};
        long[] swaps = new long[2];
        for (int run = 0; run < 7; run++) {
            int target = run == 0 ? 200 : run % 2 == 1 ? 200 : 1000;
            long swapsBefore = s.swaps();
            long before = mx.getCurrentThreadAllocatedBytes();
            driveUntilSwaps(s, dirs, target);
            if (run > 0) {
                int k = run % 2 == 1 ? 0 : 1;
                long a = mx.getCurrentThreadAllocatedBytes() - before;
                if (a < allocated[k]) {
                    allocated[k] = a;
                    swaps[k] = s.swaps() - swapsBefore;
                }
            }
        }
        assertTrue(s.shutdownAndWait(5000));
        assertTrue(swaps[0] >= 200 && swaps[1] >= 1000, "swaps " + swaps[0] + ", " + swaps[1]);
        // any object allocated per swap costs at least 16 bytes, so a per-swap allocation shows as >= 16 bytes per
        // swap; one-off allocations (JIT, safepoints under load) stay far below 4 bytes per swap over 1000 swaps
        assertTrue(allocated[1] < 4L * swaps[1] && allocated[0] < 4L * swaps[0] + 2048,
                "update/poll allocated " + allocated[0] + " bytes over " + swaps[0] + " swaps and " + allocated[1]
                + " over " + swaps[1]);
    }

    private static void driveUntilSwaps(SplatSorter s, float[][] dirs, int target) {
        long start = s.swaps();
        long end = System.nanoTime() + 5_000_000_000L;
        for (int i = 0; s.swaps() - start < target && System.nanoTime() < end; i++) {
            float[] d = dirs[i % dirs.length];
            s.update(d[0], d[1], d[2]);
            s.poll();
        }
    }

    @Test
    void idleWorkerEndsByItselfAndRestartsOnDemand() throws Exception {
        int n = 1000;
        float[] pos = randomPositions(n, 13);
        SplatSorter s = new SplatSorter(pos, n, "idle");
        s.update(0, 0, -1);
        assertNotNull(s.poll(), "the synchronous first order");
        s.update(1, 0, 0);
        Thread first = s.workerThread();
        assertNotNull(first);
        assertTrue(sortedAlong(waitForOrder(s), pos, n, new float[] {1, 0, 0}));
        first.join(SplatSorter.IDLE_EXIT_MS + 3000);
        assertFalse(first.isAlive(), "idle worker ended");
        assertNull(s.workerThread());
        assertTrue(s.update(0, 1, 0));
        Thread second = s.workerThread();
        assertNotNull(second, "a new request starts a new worker");
        assertTrue(sortedAlong(waitForOrder(s), pos, n, new float[] {0, 1, 0}));
        assertTrue(s.shutdownAndWait(5000));
        assertFalse(second.isAlive());
    }

    /**
     * A group's sorter: three members (one empty) with their own transforms, sorted together. Each splat's depth is
     * its world position (jME's {@link Transform#transformVector}, then a dot product in double) along the view
     * direction, up to the same constant; the order must be non-increasing in those depths, for the synchronous
     * first order and for one the worker sorts.
     */
    @Test
    void severalMembersSortTogetherByWorldDepth() throws Exception {
        Random rnd = new Random(21);
        int[] sizes = {3000, 0, 1700};
        int[] starts = {0, 3000, 3000, 4700};
        float[] pos = randomPositions(4700, 23);
        Transform[] world = new Transform[3];
        for (int m = 0; m < 3; m++) {
            float[] axis = randomUnit(rnd);
            world[m] = new Transform(new Vector3f(rnd.nextFloat() * 4 - 2, rnd.nextFloat() * 4 - 2, rnd.nextFloat() * 4 - 2),
                    new Quaternion().fromAngleAxis(rnd.nextFloat() * 6f, new Vector3f(axis[0], axis[1], axis[2])),
                    new Vector3f(0.5f + m, 0.5f + m, 0.5f + m));
        }
        SplatSorter s = new SplatSorter(pos, starts, "group");
        assertEquals(3, s.members());
        assertThrows(IllegalStateException.class, () -> s.update(0, 0, 1), "update() is for one member");
        for (int round = 0; round < 2; round++) {
            float[] d = randomUnit(rnd);
            float[] planes = new float[12];
            for (int m = 0; m < 3; m++) {
                SplatGroupGeometry.depthPlane(world[m].toTransformMatrix(), d[0], d[1], d[2], planes, 4 * m);
            }
            // the depths the sorter computes are the world depths (independently computed) up to rounding
            float[] depths = new float[4700];
            SplatSorter.computeDepths(pos, starts, planes, depths);
            double[] want = new double[4700];
            for (int m = 0; m < 3; m++) {
                for (int i = starts[m]; i < starts[m + 1]; i++) {
                    Vector3f w = world[m].transformVector(new Vector3f(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]),
                            null);
                    want[i] = (double) w.x * d[0] + (double) w.y * d[1] + (double) w.z * d[2];
                    assertEquals(want[i], depths[i], 1e-4 * (1 + Math.abs(want[i])), "member " + m + " splat " + i);
                }
            }
            assertTrue(s.request(planes));
            IntBuffer b = round == 0 ? s.poll() : waitForOrder(s);
            assertNotNull(b, "round " + round);
            boolean[] seen = new boolean[4700];
            for (int k = 0; k < 4700; k++) {
                int i = b.get(k);
                assertFalse(seen[i]);
                seen[i] = true;
                if (k > 0) {
                    double prev = want[b.get(k - 1)];
                    assertTrue(want[i] <= prev + 1e-4 * (1 + Math.abs(prev)), "round " + round + " position " + k);
                }
            }
            if (round == 0) {
                assertNull(s.workerThread(), "the first order is sorted on the caller");
            }
        }
        assertEquals(sizes[0] + sizes[2], s.size());
        float[] nan = new float[12];
        nan[5] = Float.NaN;
        assertFalse(s.request(nan), "non-finite planes are refused");
        assertTrue(s.shutdownAndWait(5000));
        assertThrows(IllegalArgumentException.class, () -> new SplatSorter(pos, new int[] {0, 5, 3}, "bad"));
        assertThrows(IllegalArgumentException.class, () -> new SplatSorter(pos, new int[] {0, 5000}, "bad"));
    }

    @Test
    void emptyAndTinyClouds() throws Exception {
        SplatSorter one = new SplatSorter(new float[] {1, 2, 3}, 1, "one");
        assertTrue(one.update(0, 0, 1));
        IntBuffer b = one.poll();
        assertEquals(0, b.get(0));
        assertEquals(1, b.limit());
        assertSame(b, one.front());
        assertTrue(one.shutdownAndWait(1000));
    }

    private static IntBuffer waitForOrder(SplatSorter s) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            IntBuffer b = s.poll();
            if (b != null) {
                return b;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no order within 10 s");
    }

    private static float[] randomUnit(Random rnd) {
        double x = rnd.nextGaussian(), y = rnd.nextGaussian(), z = rnd.nextGaussian();
        double l = Math.sqrt(x * x + y * y + z * z);
        return new float[] {(float) (x / l), (float) (y / l), (float) (z / l)};
    }
}
