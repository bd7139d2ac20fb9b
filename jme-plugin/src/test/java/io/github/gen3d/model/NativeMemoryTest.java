package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat across many calls because every call runs in its own sub-manager: 500 calls of the tiny
 * denoiser at 4 views of 64×64 grow the process's resident set, less any growth of the committed Java heap, by no
 * more than 50 MB after warm-up. The same measurement around 250 unscoped calls (arrays kept on a long-lived
 * manager) must see at least half of the bytes those calls keep (about 105 MB), which shows the measurement can catch a leak.
 */
class NativeMemoryTest {
    private static final Logger LOG = Logger.getLogger(NativeMemoryTest.class.getName());
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

    /** Resident set minus committed heap, after a GC, so Java garbage from the calls does not count. */
    static long nativeFootprint() throws IOException {
        System.gc();
        return rss() - heapCommitted();
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
            for (int i = 0; i < 50; i++) {
                denoiser.run(tx, Tensor.ofInts(i), tc);
            }
            long before = nativeFootprint();
            long rssBefore = rss();
            long start = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                denoiser.run(tx, Tensor.ofInts(i % 1000), tc);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            long growth = nativeFootprint() - before;
            LOG.info(String.format("%d scoped calls in %d ms: RSS %d -> %d MB, native growth %.1f MB", CALLS, ms,
                    rssBefore >> 20, rss() >> 20, growth / 1048576.0));
            assertTrue(growth <= LIMIT, "native memory grew by " + (growth >> 20) + " MB over " + CALLS + " calls");

            long leakedBytes;
            long leakGrowth;
            try (NDManager leaky = denoiser.manager().newSubManager()) {
                long leakBefore = nativeFootprint();
                long perCall = 0;
                for (int i = 0; i < LEAK_CALLS; i++) {
                    NDList in = new NDList(leaky.create(x, new Shape(1, 4, 3, RES, RES)),
                            leaky.create(new long[] {i}, new Shape(1)), leaky.create(cond, new Shape(1, 3, RES, RES)));
                    NDList out = denoiser.forward(leaky, in);
                    perCall = 4L * (x.length + cond.length) + 8 + out.singletonOrThrow().size() * 4;
                }
                leakedBytes = perCall * LEAK_CALLS;
                leakGrowth = nativeFootprint() - leakBefore;
            }
            LOG.info(String.format("%d unscoped calls keep %.1f MB; measured growth %.1f MB", LEAK_CALLS,
                    leakedBytes / 1048576.0, leakGrowth / 1048576.0));
            assertTrue(leakGrowth >= leakedBytes / 2, "the measurement missed a leak of " + (leakedBytes >> 20)
                    + " MB (saw " + (leakGrowth >> 20) + " MB)");
        }
    }
}
