package io.github.gen3d.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.image.InputImageException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The service with analytic stand-in models: queue, cancels, priorities, shutdown, failures. */
@Timeout(120)
class AssetGeneratorTest {
    @TempDir
    Path tmp;

    static AssetGenerator start(StandInEngine engine, AssetGenerator.Options options) throws Exception {
        return new AssetGenerator(() -> engine, options);
    }

    static AssetGenerator.Options options() {
        return AssetGenerator.Options.defaults().withShutdownTimeout(20_000);
    }

    static BufferedImage picture(Color c) {
        BufferedImage img = new BufferedImage(48, 48, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillOval(10, 8, 28, 32);
        g.dispose();
        return img;
    }

    static GenerationRequest.Builder quick() {
        return GenerationRequest.builder().steps(4).guidance(2);
    }

    static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("gen3d-worker-") && t.isAlive()).count();
    }

    /**
     * The race the editor's scripted session once hung on: cancel() after the worker took the job off the queue but
     * before it started it. cancel() can no longer unqueue it and start() refuses it; the worker's dropCancelled()
     * must then finish it, or its future (and the placeholder waiting on it) never completes.
     */
    @Test
    void shippedModelsAreChosenByName() {
        AssetGenerator.Options o = AssetGenerator.Options.defaults();
        assertEquals(AssetGenerator.Options.DEFAULT_BUNDLE, o.bundleResource());
        assertEquals(AssetGenerator.Options.PROCEDURAL_BUNDLE, o.withShippedModel("procedural").bundleResource());
        assertEquals(AssetGenerator.Options.DEFAULT_BUNDLE,
                o.withBundle(Path.of("x")).withShippedModel("default").bundleResource());
        assertEquals(null, o.withShippedModel("procedural").bundleFolder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.withShippedModel("big"));
        assertTrue(e.getMessage().contains("big") && e.getMessage().contains("procedural"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> o.withBundleResource(null));
    }

    @Test
    void aJobCancelledBetweenDequeueAndStartStillFinishesCancelled() {
        GenerationJob job = new GenerationJob(1, 1, quick().category("barrel").build(), j -> false);
        List<GenerationProgress.Phase> phases = new CopyOnWriteArrayList<>();
        job.addListener((j, p) -> phases.add(p.phase()));
        assertTrue(job.cancel());
        assertFalse(job.future().isDone(), "not finished yet: the worker holds it");
        assertFalse(job.start());
        job.dropCancelled();
        assertTrue(job.future().isCancelled());
        assertEquals(GenerationJob.State.CANCELLED, job.state());
        assertEquals(GenerationProgress.Phase.FINISHED, phases.get(phases.size() - 1));
        job.dropCancelled(); // idempotent: one finish only
        assertEquals(1, phases.stream().filter(p -> p == GenerationProgress.Phase.FINISHED).count());
    }

    /** Regression: close() from a job's completion callback (the worker thread) waited the whole shutdown timeout. */
    @Test
    void closeFromACompletionCallbackOnTheWorkerReturnsAtOnceAndTheWorkerStops() throws Exception {
        AssetGenerator gen = start(new StandInEngine(), AssetGenerator.Options.defaults().withShutdownTimeout(60_000));
        java.util.concurrent.CompletableFuture<Thread> closedOn = new java.util.concurrent.CompletableFuture<>();
        GenerationJob job = gen.submit(quick().category("barrel").seed(1).build());
        job.future().whenComplete((r, e) -> {
            gen.close();
            closedOn.complete(Thread.currentThread());
        });
        // well inside the 60 s shutdown timeout a self-join would have waited
        Thread t = closedOn.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(t.getName().startsWith("gen3d-worker-"), "the callback ran on " + t.getName());
        t.join(20_000);
        assertFalse(t.isAlive(), "the worker ended after the callback returned");
        assertEquals(AssetGenerator.Status.CLOSED, gen.status());
        gen.close(); // idempotent from any thread
    }

    /** A retrained bundle keeps its name and version: its cached props must not come back (bundle content). */
    @Test
    void cacheKeysChangeWithTheBundleContentNotOnlyItsVersion() {
        GenerationRequest r = quick().category("barrel").seed(3).build();
        StandInEngine other = new StandInEngine();
        other.fingerprint = "retrained";
        String key = new Pipeline(new StandInEngine(), null).cacheKey(r, "input");
        assertEquals(key, new Pipeline(new StandInEngine(), null).cacheKey(r, "input"));
        assertFalse(key.equals(new Pipeline(other, null).cacheKey(r, "input")));
    }

    /** Guidance left open is the model's recommendation: in the sampler, the metadata and the cache key. */
    @Test
    void aRequestThatLeavesGuidanceOpenSamplesWithTheModelsRecommendation() throws Exception {
        GenerationRequest open = GenerationRequest.builder().steps(4).category("barrel").seed(5).build();
        assertTrue(Float.isNaN(open.guidance()), "open by default");
        assertTrue(open.toString().contains("guidance the model's"), open.toString());
        StandInEngine engine = new StandInEngine();
        try (AssetGenerator gen = start(engine, options())) {
            GenerationResult r = gen.submit(open).future().get(30, TimeUnit.SECONDS);
            assertEquals(StandInEngine.GUIDANCE, gen.recommendedGuidance());
            assertEquals(StandInEngine.GUIDANCE, engine.lastGuidance);
            assertEquals(StandInEngine.GUIDANCE, r.metadata().guidance(), "the metadata records the scale used");
            assertEquals(StandInEngine.GUIDANCE, r.metadata().toRequest(null).build().guidance());

            GenerationResult explicit = gen.submit(open.toBuilder().guidance(4).build()).future()
                    .get(30, TimeUnit.SECONDS);
            assertEquals(4f, engine.lastGuidance);
            assertEquals(4f, explicit.metadata().guidance());
            assertTrue(Float.isNaN(open.toBuilder().guidance(4).guidance(Float.NaN).build().guidance()),
                    "NaN hands it back to the model");
        }
        Pipeline p = new Pipeline(new StandInEngine(), null);
        assertEquals(p.cacheKey(open, "in"), p.cacheKey(open.toBuilder().guidance(StandInEngine.GUIDANCE).build(),
                "in"), "open and the recommended scale are the same job");
        assertFalse(p.cacheKey(open, "in").equals(p.cacheKey(open.toBuilder().guidance(4).build(), "in")));
    }

    @Test
    void generatesFromAPictureACategoryAndNothing() throws Exception {
        StandInEngine engine = new StandInEngine();
        try (AssetGenerator gen = start(engine, options())) {
            gen.ready().get(10, TimeUnit.SECONDS);
            assertEquals(AssetGenerator.Status.READY, gen.status());
            assertEquals(StandInEngine.CATEGORIES, gen.categories());

            List<GenerationProgress> seen = new CopyOnWriteArrayList<>();
            GenerationResult pic = gen.submit(quick().image(picture(Color.RED), "red-ball").seed(3).build(),
                    (j, p) -> seen.add(p)).future().get(30, TimeUnit.SECONDS);
            assertEquals(200, pic.gaussians().size());
            assertEquals("IMAGE", pic.metadata().inputKind());
            assertEquals("red-ball", pic.metadata().input());
            assertEquals(3, pic.metadata().seed());
            assertEquals(64, pic.twoDPreview().getWidth(), "4 views of 16 px side by side");
            assertEquals(16, pic.input().getWidth());
            // the stand-in copies the picture into every view: the red ball shows in the 2D and 3D previews
            int rgb = pic.threeDPreview().getRGB(8, 8);
            assertTrue(((rgb >> 16) & 0xff) > ((rgb >> 8) & 0xff) + 40, "reddish 3D preview, got " + Integer.toHexString(rgb));
            assertEquals(GenerationProgress.Phase.QUEUED, seen.get(0).phase());
            assertEquals(GenerationProgress.Phase.FINISHED, seen.get(seen.size() - 1).phase());
            assertTrue(seen.stream().anyMatch(p -> p.phase() == GenerationProgress.Phase.SAMPLING && p.step() == 4
                    && p.twoD() != null && p.threeD() != null));
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i).fraction() >= seen.get(i - 1).fraction(), "progress never goes back");
            }

            GenerationResult cat = gen.submit(quick().category("Barrel").seed(5).build()).future().get(30,
                    TimeUnit.SECONDS);
            assertEquals("barrel", cat.metadata().category());
            assertEquals(1, engine.draws.get());
            GenerationResult any = gen.submit(quick().random().seed(11).build()).future().get(30, TimeUnit.SECONDS);
            assertTrue(StandInEngine.CATEGORIES.contains(any.metadata().category()));
            GenerationResult again = gen.submit(quick().random().seed(11).build()).future().get(30, TimeUnit.SECONDS);
            assertEquals(any.metadata().category(), again.metadata().category(), "the seed picks the category");
            assertArrayEquals(any.gaussians().sh(), again.gaussians().sh());
        }
        assertTrue(engine.closed.get(), "close releases the models");
    }

    @Test
    void meshOutputMakesADecimatedMesh() throws Exception {
        try (AssetGenerator gen = start(new StandInEngine(), options())) {
            GenerationResult r = gen.submit(quick().category("crate").seed(1).output(GenerationRequest.Output.BOTH)
                    .mesh(48, 300).build()).future().get(60, TimeUnit.SECONDS);
            assertTrue(r.mesh().isPresent());
            int t = r.mesh().get().triangleCount();
            assertTrue(t > 20 && t <= 300, "triangles within the face budget: " + t);
            assertEquals(t, r.metadata().triangles());
        }
    }

    @Test
    void fiftyConcurrentRequestsWithRandomCancelsAllComplete() throws Exception {
        StandInEngine engine = new StandInEngine();
        engine.callDelayMillis = 2;
        List<GenerationJob> jobs = new CopyOnWriteArrayList<>();
        long before = workerThreads();
        try (AssetGenerator gen = start(engine, options().withQueueCapacity(64))) {
            ExecutorService clients = Executors.newFixedThreadPool(5);
            List<Future<?>> submitted = new ArrayList<>();
            for (int c = 0; c < 5; c++) {
                int client = c;
                submitted.add(clients.submit(() -> {
                    Random rnd = new Random(client);
                    for (int i = 0; i < 10; i++) {
                        GenerationRequest.Builder b = quick().seed(client * 100 + i).priority(rnd.nextInt(3));
                        if (i % 3 == 0) {
                            b.category(StandInEngine.CATEGORIES.get(i % 3));
                        } else {
                            b.image(picture(new Color(rnd.nextInt(0xffffff))), "c" + client + "-" + i);
                        }
                        GenerationJob job = gen.submit(b.build());
                        jobs.add(job);
                        if (rnd.nextInt(3) == 0) {
                            if (rnd.nextBoolean()) {
                                job.cancel();
                            } else {
                                job.future().cancel(true);
                            }
                        }
                        if (rnd.nextInt(4) == 0) {
                            Thread.sleep(rnd.nextInt(20));
                            GenerationJob victim = jobs.get(rnd.nextInt(jobs.size()));
                            victim.cancel(); // often one that is running by now
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : submitted) {
                f.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();
            assertEquals(50, jobs.size());
            int done = 0;
            int cancelled = 0;
            for (GenerationJob j : jobs) {
                try {
                    assertNotNull(j.future().get(60, TimeUnit.SECONDS));
                    done++;
                } catch (CancellationException e) {
                    cancelled++;
                } catch (TimeoutException e) {
                    throw new AssertionError("job " + j + " never completed", e);
                }
            }
            assertEquals(50, done + cancelled, "every future completes, none fails");
            assertTrue(cancelled > 0 && done > 0, done + " done, " + cancelled + " cancelled");
            for (GenerationJob j : jobs) {
                waitFinal(j);
                assertEquals(j.future().isCancelled(), j.state() == GenerationJob.State.CANCELLED, j.toString());
            }
            assertEquals(0, gen.queued());
        }
        assertEquals(before, workerThreads(), "no worker thread left behind");
        assertTrue(engine.closed.get());
    }

    static void waitFinal(GenerationJob j) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!j.state().isFinal() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertTrue(j.state().isFinal(), j.toString());
    }

    @Test
    void aFullQueueRejectsTheRequestAndQueuesNothing() throws Exception {
        StandInEngine engine = new StandInEngine();
        engine.gate = new CountDownLatch(1);
        try (AssetGenerator gen = start(engine, options().withQueueCapacity(2))) {
            gen.ready().get(10, TimeUnit.SECONDS);
            GenerationJob running = gen.submit(quick().seed(1).build());
            waitRunning(running);
            gen.submit(quick().seed(2).build());
            gen.submit(quick().seed(3).build());
            QueueFullException e = assertThrows(QueueFullException.class, () -> gen.submit(quick().seed(4).build()));
            assertTrue(e.getMessage().contains("capacity 2"), e.getMessage());
            assertEquals(2, gen.queued());
            engine.gate.countDown();
            engine.gate = null;
            running.future().get(30, TimeUnit.SECONDS);
        }
    }

    static void waitRunning(GenerationJob j) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (j.state() != GenerationJob.State.RUNNING && System.nanoTime() < end) {
            Thread.sleep(2);
        }
        assertEquals(GenerationJob.State.RUNNING, j.state());
    }

    @Test
    void higherPriorityRunsFirstThenSubmissionOrder() throws Exception {
        StandInEngine engine = new StandInEngine();
        engine.gate = new CountDownLatch(1);
        List<Long> started = new CopyOnWriteArrayList<>();
        GenerationListener l = (j, p) -> {
            if (p.phase() == GenerationProgress.Phase.PREPARING) {
                started.add(j.request().seed());
            }
        };
        try (AssetGenerator gen = start(engine, options())) {
            GenerationJob first = gen.submit(quick().seed(0).build(), l);
            waitRunning(first);
            List<GenerationJob> rest = List.of(gen.submit(quick().seed(1).priority(0).build(), l),
                    gen.submit(quick().seed(2).priority(5).build(), l),
                    gen.submit(quick().seed(3).priority(0).build(), l),
                    gen.submit(quick().seed(4).priority(5).build(), l));
            engine.gate.countDown();
            engine.gate = null;
            for (GenerationJob j : rest) {
                j.future().get(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(0L, 2L, 4L, 1L, 3L), started);
    }

    @Test
    void closeDuringAJobCancelsItAndJoinsTheWorker() throws Exception {
        StandInEngine engine = new StandInEngine();
        engine.callDelayMillis = 50;
        long before = workerThreads();
        AssetGenerator gen = start(engine, options());
        GenerationJob running = gen.submit(quick().steps(200).seed(1).build());
        GenerationJob queued = gen.submit(quick().seed(2).build());
        waitRunning(running);
        long t0 = System.nanoTime();
        gen.close();
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "close waits one model call, not the whole job");
        assertTrue(running.future().isCancelled());
        assertTrue(queued.future().isCancelled());
        assertTrue(gen.terminated());
        assertTrue(engine.closed.get());
        assertEquals(AssetGenerator.Status.CLOSED, gen.status());
        assertEquals(before, workerThreads());
        assertThrows(IllegalStateException.class, () -> gen.submit(quick().build()));
        gen.close(); // idempotent
    }

    @Test
    void cancellingARunningJobStopsItWithinAStep() throws Exception {
        StandInEngine engine = new StandInEngine();
        engine.callDelayMillis = 20;
        try (AssetGenerator gen = start(engine, options())) {
            GenerationJob job = gen.submit(quick().steps(500).seed(1).build());
            GenerationJob next = gen.submit(quick().seed(2).build());
            waitRunning(job);
            assertTrue(job.cancel());
            assertThrows(CancellationException.class, () -> job.future().get(5, TimeUnit.SECONDS));
            assertNotNull(next.future().get(30, TimeUnit.SECONDS), "the worker goes on with the next job");
            waitFinal(job);
            assertEquals(GenerationJob.State.CANCELLED, job.state());
            assertFalse(job.cancel(), "a finished job cannot be cancelled");
            assertTrue(engine.denoiserCalls.get() < 100, "stopped early: " + engine.denoiserCalls.get() + " calls");
        }
    }

    @Test
    void aLoadingFailureFailsEveryJobWithItsCause() throws Exception {
        try (AssetGenerator gen = new AssetGenerator(() -> {
            throw new java.io.IOException("bundle.json: broken on purpose");
        }, options())) {
            GenerationJob job = gen.submit(quick().build());
            ExecutionException e = assertThrows(ExecutionException.class, () -> job.future().get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("broken on purpose"), e.getCause().getMessage());
            assertEquals(AssetGenerator.Status.FAILED, gen.status());
            assertThrows(ExecutionException.class, () -> gen.ready().get(1, TimeUnit.SECONDS));
        }
    }

    @Test
    void badInputFailsTheJobWithAMessageNamingIt() throws Exception {
        Path junk = tmp.resolve("not-a-picture.png");
        Files.writeString(junk, "hello");
        Path empty = tmp.resolve("empty.png");
        javax.imageio.ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB), "png", empty.toFile());
        try (AssetGenerator gen = start(new StandInEngine(), options())) {
            gen.ready().get(10, TimeUnit.SECONDS);
            for (Path p : List.of(junk, empty)) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> gen.submit(quick().image(p).build()).future().get(10, TimeUnit.SECONDS));
                assertInstanceOf(InputImageException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains(p.getFileName().toString()), e.getCause().getMessage());
            }
            IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
                    () -> gen.submit(quick().category("dragon").build()));
            assertTrue(u.getMessage().contains("dragon") && u.getMessage().contains("barrel"), u.getMessage());
            assertNotNull(gen.submit(quick().seed(1).build()).future().get(10, TimeUnit.SECONDS),
                    "the generator still works after bad input");
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> quick().image(tmp.resolve("missing.png")).build());
        assertTrue(missing.getMessage().contains("missing.png"));
        assertThrows(IllegalArgumentException.class, () -> quick().steps(0).build());
        assertThrows(IllegalArgumentException.class, () -> quick().guidance(Float.POSITIVE_INFINITY).build());
        assertThrows(IllegalArgumentException.class, () -> quick().guidance(-0.5f).build());
        assertThrows(IllegalArgumentException.class, () -> quick().guidance(50.5f).build());
        assertThrows(IllegalArgumentException.class, () -> quick().mesh(8, 1000).build());
        assertThrows(IllegalArgumentException.class, () -> quick().name("../escape").build());
    }
}
