package io.github.gen3d.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.pytorch.jni.JniUtils;
import io.github.gen3d.model.DevicePolicy;
import java.awt.Color;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AssetGenerator.Options#workerThreads()}: its default, its checks, and that PyTorch on the worker obeys it. */
class WorkerThreadsTest {
    @Test
    void defaultLeavesACoreForTheRenderThread() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.max(1, cores - 1), AssetGenerator.Options.defaults().workerThreads());
        assertEquals(3, AssetGenerator.Options.defaults().withWorkerThreads(3).workerThreads());
        assertEquals(3, AssetGenerator.Options.defaults().withWorkerThreads(3).withCache(null, 1).workerThreads(),
                "kept by the other withers");
        assertThrows(IllegalArgumentException.class, () -> AssetGenerator.Options.defaults().withWorkerThreads(0));
        assertThrows(IllegalArgumentException.class, () -> AssetGenerator.Options.defaults().withWorkerThreads(257));
    }

    @Test
    @Timeout(120)
    void pytorchOnTheWorkerUsesTheGivenThreads() throws Exception {
        for (int threads : new int[] {1, 2}) {
            AssetGenerator.Options o = new AssetGenerator.Options(null, "bundles/tiny-pipeline", DevicePolicy.CPU, 4,
                    null, 1 << 20, 20_000, threads);
            AtomicInteger seen = new AtomicInteger(-1);
            try (AssetGenerator gen = AssetGenerator.start(o)) {
                GenerationJob job = gen.submit(GenerationRequest.builder().image(AssetGeneratorTest.picture(
                        Color.RED), "red").steps(2).guidance(1).build(), (j, p) -> seen.set(JniUtils
                        .getNumThreads()));
                job.future().get(90, TimeUnit.SECONDS);
            }
            assertEquals(threads, seen.get(), "PyTorch's intra-op threads on the worker thread");
        }
    }
}
