package io.github.gen3d.splat;

import static io.github.gen3d.splat.GpuSplatRenderTest.H;
import static io.github.gen3d.splat.GpuSplatRenderTest.W;
import static io.github.gen3d.splat.GpuSplatRenderTest.lookFrom;
import static io.github.gen3d.splat.GpuSplatRenderTest.randomCloud;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.Quaternion;
import com.jme3.math.Vector3f;
import com.jme3.scene.Node;
import io.github.gen3d.testing.HeadlessApp;
import java.lang.management.ManagementFactory;
import java.nio.IntBuffer;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** GL tests of the sorter's lifecycle on a running app: uploads, threads, errors. */
class GpuSplatLifecycleTest {

    static List<Thread> sorterThreads(String nodeName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("gen3d-splat-sort-")
                        && t.getName().endsWith("-" + nodeName + "-splats"))
                .collect(Collectors.toList());
    }

    static void awaitNoSorterThreads(String nodeName, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000L;
        while (!sorterThreads(nodeName).isEmpty()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("sorter threads still alive after " + ms + " ms: " + sorterThreads(nodeName));
            }
            Thread.sleep(20);
        }
    }

    /**
     * A still camera uploads nothing after the first order; each turn uploads one order buffer, always one of the
     * sorter's three preallocated buffers (the splat data textures are never touched again).
     */
    @Test
    void uploadsOnlyWhenTheViewTurnsAndOnlyPreallocatedBuffers() {
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            SplatNode[] node = new SplatNode[1];
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0, 0, 4), Vector3f.ZERO);
                node[0] = new SplatNode(randomCloud(3000, 0, 2L, 1f), "uploads", app.getAssetManager());
                app.getRootNode().attachChild(node[0]);
            });
            gl.renderFrames(5);
            SplatGeometry g = node[0].splatGeometry();
            assertEquals(1L, (long) gl.call(app -> g.uploads()), "the first order, sorted synchronously");
            // moving without turning changes no depth order: nothing to upload
            gl.run(app -> app.getCamera().setLocation(new Vector3f(0.5f, 0.3f, 4)));
            gl.renderFrames(20);
            assertEquals(1L, (long) gl.call(app -> g.uploads()), "a pure move re-sorts nothing");
            for (int turn = 1; turn <= 3; turn++) {
                float a = turn * 0.6f;
                long before = gl.call(app -> g.uploads());
                gl.run(app -> lookFrom(app.getCamera(),
                        new Vector3f(4 * (float) Math.sin(a), 0, 4 * (float) Math.cos(a)), Vector3f.ZERO));
                gl.renderUntil(app -> g.uploads() > before, "the order after turn " + a);
                gl.renderFrames(10);
                long after = gl.call(app -> g.uploads());
                assertEquals(before + 1, after, "one upload per turn (camera still afterwards)");
                IntBuffer data = gl.call(app -> (IntBuffer) g.orderBuffer().getData());
                assertTrue(data == g.sorter().front(), "the vertex buffer holds the sorter's front buffer");
            }
            assertEquals(4L, (long) gl.call(app -> g.sorter().sortsDone()));
        }
    }

    /**
     * The render-thread side of a frame (view direction to the sorter, swap, {@code updateData}) allocates
     * nothing, also while orders keep arriving: measured on the render thread around direct calls.
     */
    @Test
    void renderThreadSwapPathAllocatesNothing() {
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            SplatNode[] node = new SplatNode[1];
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0, 0, 4), Vector3f.ZERO);
                node[0] = new SplatNode(randomCloud(5000, 0, 3L, 1f), "alloc", app.getAssetManager());
                app.getRootNode().attachChild(node[0]);
            });
            gl.renderFrames(3);
            long[] result = gl.call(app -> {
                SplatGeometry g = node[0].splatGeometry();
                Quaternion[] turns = new Quaternion[16];
                for (int k = 0; k < turns.length; k++) {
                    turns[k] = new Quaternion().fromAngles(0.1f * k, 0.37f * k, 0);
                }
                com.sun.management.ThreadMXBean mx =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long[] out = new long[4];
                for (int run = 0; run < 2; run++) { // run 0 warms up
                    long uploads = g.uploads();
                    long before = mx.getCurrentThreadAllocatedBytes();
                    long end = System.nanoTime() + 1_000_000_000L;
                    int calls = 0;
                    while (System.nanoTime() < end) {
                        app.getCamera().setRotation(turns[calls % turns.length]);
                        g.prepareRender(app.getRenderManager(), app.getViewPort());
                        calls++;
                    }
                    out[0] = mx.getCurrentThreadAllocatedBytes() - before;
                    out[1] = g.uploads() - uploads;
                    out[2] = calls;
                }
                return out;
            });
            assertTrue(result[1] >= 10, "only " + result[1] + " orders swapped in during the measurement");
            // one object per call or per swap would be >= 16 bytes times millions of calls / thousands of swaps; a
            // fixed kilobyte or so comes from the JIT and the measurement itself
            assertTrue(result[0] < 4096, result[0] + " bytes allocated over " + result[2] + " calls and " + result[1]
                    + " swaps");
        }
    }

    /** Detaching the node ends its sorter thread; detaching an ancestor lets it end by itself. */
    @Test
    void noSorterThreadOutlivesItsNode() throws Exception {
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            SplatNode[] node = new SplatNode[1];
            Node parent = new Node("parent");
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0, 0, 4), Vector3f.ZERO);
                node[0] = new SplatNode(randomCloud(2000, 0, 4L, 1f), "leak", app.getAssetManager());
                app.getRootNode().attachChild(node[0]);
            });
            gl.renderFrames(3);
            turnAndWait(gl, node[0], 0.8f);
            assertEquals(1, sorterThreads("leak").size(), "the worker runs while the node is shown");
            gl.run(app -> node[0].removeFromParent());
            awaitNoSorterThreads("leak", 2000);

            // re-attach below a parent, turn, then drop the parent: the node is no longer rendered
            gl.run(app -> {
                parent.attachChild(node[0]);
                app.getRootNode().attachChild(parent);
            });
            gl.renderFrames(3);
            turnAndWait(gl, node[0], -0.8f);
            assertEquals(1, sorterThreads("leak").size(), "rendering restarts the worker");
            gl.run(app -> parent.removeFromParent());
            awaitNoSorterThreads("leak", SplatSorter.IDLE_EXIT_MS + 3000);
        }
    }

    /** Stopping the app leaves no sorter thread behind. */
    @Test
    void appStopLeavesNoSorterThread() throws Exception {
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            SplatNode[] node = new SplatNode[1];
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0, 0, 4), Vector3f.ZERO);
                node[0] = new SplatNode(randomCloud(2000, 0, 6L, 1f), "stop", app.getAssetManager());
                app.getRootNode().attachChild(node[0]);
            });
            gl.renderFrames(3);
            turnAndWait(gl, node[0], 1.0f);
            assertEquals(1, sorterThreads("stop").size());
        }
        awaitNoSorterThreads("stop", SplatSorter.IDLE_EXIT_MS + 3000);
    }

    /** Rendering a node without a material fails on the render thread with a message that says what to do. */
    @Test
    void missingMaterialFailsClearly() {
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            gl.run(app -> app.getRootNode().attachChild(new SplatNode(randomCloud(10, 0, 1L, 1f), "nomat")));
            AssertionError e = assertThrows(AssertionError.class, () -> gl.renderFrames(5));
            assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("initMaterial"), e.getCause().getMessage());
        }
    }

    /** A render-thread exception in a test task reaches the test; the harness still stops the app. */
    @Test
    void harnessPropagatesTaskExceptions() {
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> gl.run(app -> {
                        throw new IllegalArgumentException("boom");
                    }));
            assertEquals("boom", e.getMessage());
            gl.renderFrames(2); // the app keeps running after a failed task
        }
    }

    private static void turnAndWait(HeadlessApp gl, SplatNode node, float angle) {
        SplatGeometry g = node.splatGeometry();
        long before = gl.call(app -> g.uploads());
        gl.run(app -> lookFrom(app.getCamera(),
                new Vector3f(4 * (float) Math.sin(angle), 0, 4 * (float) Math.cos(angle)), Vector3f.ZERO));
        gl.renderUntil(app -> g.uploads() > before, "a re-sorted order");
    }
}
