package io.github.gen3d.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.app.SimpleApplication;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import com.jme3.system.AppSettings;
import com.jme3.system.JmeContext;
import io.github.gen3d.splat.SplatNode;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The app state in a running (headless, no GL) jME application with the analytic stand-in models: placeholders,
 * hot-loading, the render-thread rule, enable/disable and cleanup.
 */
@Timeout(120)
class AssetGenerationStateTest {
    /** A node that records every scene change made to it and the thread that made it. */
    static final class WatchedNode extends Node {
        final List<String> offThread = new CopyOnWriteArrayList<>();
        final List<String> changes = new CopyOnWriteArrayList<>();
        volatile Thread renderThread;

        WatchedNode(String name) {
            super(name);
        }

        private void record(String what) {
            changes.add(what);
            if (Thread.currentThread() != renderThread) {
                offThread.add(what + " on " + Thread.currentThread().getName());
            }
        }

        @Override
        public int attachChildAt(Spatial child, int index) {
            record("attach " + child.getName());
            return super.attachChildAt(child, index);
        }

        @Override
        public Spatial detachChildAt(int index) {
            record("detach " + getChild(index).getName());
            return super.detachChildAt(index);
        }
    }

    static final class App extends SimpleApplication {
        final CountDownLatch started = new CountDownLatch(1);

        @Override
        public void simpleInitApp() {
            started.countDown();
        }
    }

    App app;
    WatchedNode world;
    StandInEngine engine;
    AssetGenerationState state;

    @BeforeEach
    void startApp() throws Exception {
        app = new App();
        AppSettings s = new AppSettings(true);
        s.setAudioRenderer(null);
        s.setFrameRate(200);
        app.setSettings(s);
        app.setShowSettings(false);
        app.start(JmeContext.Type.Headless);
        assertTrue(app.started.await(30, TimeUnit.SECONDS), "the app starts");
        engine = new StandInEngine();
        state = new AssetGenerationState(AssetGenerator.Options.defaults(), () -> engine);
        world = onRender(() -> {
            WatchedNode n = new WatchedNode("world");
            n.renderThread = Thread.currentThread();
            app.getRootNode().attachChild(n);
            app.getStateManager().attach(state);
            return n;
        });
        long end = System.nanoTime() + 10_000_000_000L;
        while (!state.isInitialized() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertTrue(state.isInitialized());
        onRender(() -> null); // and a frame after it
    }

    @AfterEach
    void stopApp() {
        if (app != null) {
            app.stop(true);
        }
    }

    <T> T onRender(java.util.concurrent.Callable<T> task) throws Exception {
        // jME's AppTask.get(timeout) can give up early (one await, no loop): wait on a future of our own
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        app.enqueue(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    GenerationRequest.Builder quick() {
        return GenerationRequest.builder().steps(4).guidance(2);
    }

    @Test
    void aPlaceholderAppearsAtOnceAndTheFinalNodeReplacesItOnTheRenderThread() throws Exception {
        engine.callDelayMillis = 20;
        Transform where = new Transform(new Vector3f(2, 0.5f, -3));
        AtomicReference<Spatial> placeholder = new AtomicReference<>();
        GenerationJob job = onRender(() -> {
            GenerationJob j = state.generate(quick().category("barrel").seed(9).name("prop")
                    .attachTo(world, where).build());
            placeholder.set(state.placeholderOf(j)); // same call: it is there already
            return j;
        });
        assertNotNull(placeholder.get(), "placeholder placed during generate()");
        assertSame(world, placeholder.get().getParent());
        assertEquals(where.getTranslation(), placeholder.get().getLocalTranslation());

        Node node = state.nodeOf(job).get(60, TimeUnit.SECONDS);
        assertEquals("prop", node.getName());
        assertSame(world, node.getParent());
        assertEquals(where.getTranslation(), node.getLocalTranslation());
        assertInstanceOf(SplatNode.class, node.getChild("prop-splats"));
        assertNull(placeholder.get().getParent(), "the placeholder is gone");
        assertEquals(0, (int) onRender(state::placeholderCount));
        assertEquals(List.of(), world.offThread, "every scene change on the render thread");
        assertEquals(List.of("attach prop-placeholder", "detach prop-placeholder", "attach prop"), world.changes);
    }

    @Test
    void generateFromAnotherThreadStillChangesTheSceneOnlyOnTheRenderThread() throws Exception {
        List<GenerationJob> jobs = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            for (int i = 0; i < 6; i++) {
                jobs.add(state.generate(quick().seed(i).output(i % 2 == 0 ? GenerationRequest.Output.SPLATS
                        : GenerationRequest.Output.BOTH).mesh(48, 500).attachTo(world, new Transform()).build()));
            }
        }, "game-logic");
        t.start();
        t.join(10_000);
        jobs.get(1).cancel();
        int placedNodes = 0;
        for (GenerationJob j : jobs) {
            try {
                Node n = state.nodeOf(j).get(60, TimeUnit.SECONDS);
                placedNodes++;
                if (j.request().output() == GenerationRequest.Output.BOTH) {
                    assertEquals(Spatial.CullHint.Always, n.getChild(n.getName() + "-mesh").getCullHint());
                }
            } catch (CancellationException e) {
                assertEquals(1, jobs.indexOf(j));
            }
        }
        assertTrue(placedNodes >= 5);
        onRender(() -> null);
        assertEquals(List.of(), world.offThread);
        assertEquals(placedNodes, world.getQuantity(), "only the final nodes are left: " + world.getChildren());
    }

    @Test
    void disablingDetachesPlaceholdersAndResultsWaitUntilEnabled() throws Exception {
        engine.gate = new CountDownLatch(1);
        GenerationJob job = onRender(() -> state.generate(quick().seed(1).name("late").attachTo(world,
                new Transform()).build()));
        onRender(() -> {
            state.setEnabled(false);
            return null;
        });
        onRender(() -> null);
        assertEquals(0, world.getQuantity(), "placeholder detached while disabled");
        engine.gate.countDown();
        job.future().get(30, TimeUnit.SECONDS);
        Thread.sleep(200);
        assertTrue(!state.nodeOf(job).isDone(), "not placed while disabled");
        onRender(() -> {
            state.setEnabled(true);
            return null;
        });
        Node n = state.nodeOf(job).get(30, TimeUnit.SECONDS);
        assertSame(world, n.getParent());
        assertEquals(1, world.getQuantity());
        assertEquals(List.of(), world.offThread);
    }

    @Test
    void aFailedJobRemovesItsPlaceholderAndReportsTheError() throws Exception {
        GenerationJob job = onRender(() -> state.generate(quick().image(new java.awt.image.BufferedImage(32, 32,
                java.awt.image.BufferedImage.TYPE_INT_ARGB), "blank").attachTo(world, new Transform()).build()));
        ExecutionException e = assertThrows(ExecutionException.class, () -> state.nodeOf(job).get(30,
                TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("blank"), e.getCause().getMessage());
        onRender(() -> null);
        assertEquals(0, world.getQuantity());
    }

    @Test
    void detachingTheStateCancelsJobsAndStopsTheWorker() throws Exception {
        engine.callDelayMillis = 30;
        GenerationJob running = onRender(() -> state.generate(quick().steps(300).seed(1).attachTo(world,
                new Transform()).build()));
        GenerationJob queued = onRender(() -> state.generate(quick().seed(2).attachTo(world,
                new Transform()).build()));
        AssetGeneratorTest.waitRunning(running);
        onRender(() -> app.getStateManager().detach(state));
        long end = System.nanoTime() + 20_000_000_000L;
        while (!state.generator().terminated() && System.nanoTime() < end) {
            onRender(() -> null); // cleanup runs within a frame or two of the detach
        }
        onRender(() -> null);
        assertTrue(running.future().isCancelled());
        assertTrue(queued.future().isCancelled());
        assertTrue(state.generator().terminated());
        assertTrue(engine.closed.get());
        assertEquals(0, world.getQuantity(), "no placeholder left behind");
        assertEquals(List.of(), world.offThread);
    }

    @Test
    void generateWorksRightAfterAttachingLikeInSimpleInitApp() throws Exception {
        StandInEngine other = new StandInEngine();
        AssetGenerationState fresh = new AssetGenerationState(AssetGenerator.Options.defaults(), () -> other);
        GenerationJob job = onRender(() -> {
            app.getStateManager().attach(fresh);
            return fresh.generate(quick().seed(5).name("early").attachTo(world, new Transform()).build());
        });
        Node n = fresh.nodeOf(job).get(60, TimeUnit.SECONDS);
        assertSame(world, n.getParent());
        onRender(() -> app.getStateManager().detach(fresh));
        long end = System.nanoTime() + 20_000_000_000L;
        while (!fresh.generator().terminated() && System.nanoTime() < end) {
            onRender(() -> null); // cleanup runs within a frame or two of the detach
        }
        assertTrue(fresh.generator().terminated());
        assertEquals(List.of(), world.offThread);
    }

    @Test
    void statusLineNamesTheModelAndTheQueue() throws Exception {
        state.generator().ready().get(10, TimeUnit.SECONDS);
        assertEquals("model stand-in 1 on cpu, 0 running, 0 queued", state.statusLine());
    }
}
