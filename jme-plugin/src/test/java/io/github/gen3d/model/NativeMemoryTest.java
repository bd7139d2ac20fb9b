package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat across many calls because every call runs in its own sub-manager: 500 calls of the tiny
 * denoiser at 4 views of 64×64 grow the process's native footprint by no more than 50 MB after 150 warm-up calls.
 * The same measurement around 250 unscoped calls (arrays kept on a long-lived manager, about 105 MB) must see at
 * least half of what they keep, which shows the measurement can catch a leak.
 *
 * <p>Native footprint = resident set (VmRSS) − committed Java heap, taken after a GC and glibc's
 * {@code malloc_trim(0)} (through JNA, which DJL already depends on), so neither Java garbage nor free memory the
 * allocator keeps counts; without the trim the resident set swings by ±30 MB from call to call with no trend. The
 * scoped figure is the median of the last three of ten samples (one per 50 calls) against the median of three
 * warm-up samples.
 */
class NativeMemoryTest {
    private static final Logger LOG = Logger.getLogger(NativeMemoryTest.class.getName());
    static final int BATCH = 50;
    static final int CALLS = 500;
    static final int LEAK_CALLS = 250;
    static final int RES = 64;
    static final long LIMIT = 50L << 20;

    /** @return VmRSS of this process in bytes */
    static long rss() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }

    static long heapCommitted() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    private static Function mallocTrim;
    private static boolean looked;

    /** Returns free heap memory of the C allocator to the system, where glibc provides malloc_trim. */
    static void trim() {
        if (!looked) {
            looked = true;
            try {
                mallocTrim = NativeLibrary.getInstance("c").getFunction("malloc_trim");
            } catch (UnsatisfiedLinkError e) {
                LOG.info("no malloc_trim (not glibc): measuring without it");
            }
        }
        if (mallocTrim != null) {
            mallocTrim.invokeInt(new Object[] {0});
        }
    }

    /** @return resident set minus committed heap, after a GC and a trim */
    static long footprint() throws IOException {
        System.gc();
        trim();
        return rss() - heapCommitted();
    }

    static long median3(long a, long b, long c) {
        long[] v = {a, b, c};
        Arrays.sort(v);
        return v[1];
    }

    @Test
    void fiveHundredScopedCallsDoNotGrowNativeMemory() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux /proc");
        float[] x = new float[4 * 3 * RES * RES];
        float[] cond = new float[3 * RES * RES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.01);
        }
        for (int i = 0; i < cond.length; i++) {
            cond[i] = (float) Math.cos(i * 0.02) * 0.9f;
        }
        Tensor tx = new Tensor(x, 1, 4, 3, RES, RES);
        Tensor tc = new Tensor(cond, 1, 3, RES, RES);
        try (ModelBundle bundle = ModelBundle.loadResource(TinyBundleTest.RESOURCE, DevicePolicy.CPU)) {
            ModelComponent denoiser = bundle.component("denoiser");
            long[] warm = new long[3];
            for (int b = 0; b < warm.length; b++) {
                for (int i = 0; i < BATCH; i++) {
                    denoiser.run(tx, Tensor.ofInts(i), tc);
                }
                warm[b] = footprint();
            }
            long[] samples = new long[CALLS / BATCH];
            long start = System.nanoTime();
            for (int b = 0; b < samples.length; b++) {
                for (int i = 0; i < BATCH; i++) {
                    denoiser.run(tx, Tensor.ofInts((b * BATCH + i) % 1000), tc);
                }
                samples[b] = footprint();
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            long base = median3(warm[0], warm[1], warm[2]);
            int n = samples.length;
            long growth = median3(samples[n - 3], samples[n - 2], samples[n - 1]) - base;
            long worst = Arrays.stream(samples).max().getAsLong() - base;
            LOG.info(String.format("%d scoped calls (%d ms with the samples): native footprint %d MB at warm-up,"
                    + " growth %.1f MB (largest sample %+.1f MB)", CALLS, ms, base >> 20, growth / 1048576.0,
                    worst / 1048576.0));
            assertTrue(growth <= LIMIT, "native memory grew by " + (growth >> 20) + " MB over " + CALLS + " calls");

            long leakedBytes = 0;
            long leakGrowth;
            try (NDManager leaky = denoiser.manager().newSubManager()) {
                long leakBefore = footprint();
                for (int i = 0; i < LEAK_CALLS; i++) {
                    NDList in = new NDList(leaky.create(x, new Shape(1, 4, 3, RES, RES)),
                            leaky.create(new long[] {i}, new Shape(1)), leaky.create(cond, new Shape(1, 3, RES, RES)));
                    NDList out = denoiser.forward(leaky, in);
                    leakedBytes += 4L * (x.length + cond.length) + 8 + out.singletonOrThrow().size() * 4;
                }
                leakGrowth = footprint() - leakBefore;
            }
            LOG.info(String.format("%d unscoped calls keep %.1f MB; measured growth %.1f MB", LEAK_CALLS,
                    leakedBytes / 1048576.0, leakGrowth / 1048576.0));
            assertTrue(leakGrowth >= leakedBytes / 2, "the measurement missed a leak of " + (leakedBytes >> 20)
                    + " MB (saw " + (leakGrowth >> 20) + " MB)");
        }
    }
}
