package io.github.gen3d.service;

import io.github.gen3d.model.DevicePolicy;
import io.github.gen3d.model.ModelBundle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The asset-generation service without a scene: a bounded priority queue of jobs and one worker thread per device
 * that loads a model bundle and runs the jobs on it, with an optional disk cache. {@link AssetGenerationState} puts
 * it into a running jME application; the command-line tool and batch jobs use it directly.
 *
 * <pre>{@code
 * try (AssetGenerator gen = AssetGenerator.start(AssetGenerator.Options.defaults()
 *         .withCache(Path.of("cache"), 512L << 20))) {
 *     GenerationJob job = gen.submit(GenerationRequest.builder().category("barrel").seed(7).build());
 *     GenerationResult r = job.future().get();
 *     r.save(Path.of("assets/Models/Generated"), "barrel-7", AssetFormat.SPZ, null);
 * }
 * }</pre>
 *
 * <h2>Queue</h2>
 * At most {@link Options#queueCapacity()} jobs wait; {@link #submit} beyond that throws {@link QueueFullException}
 * and queues nothing. Higher {@link GenerationRequest#priority()} runs first, equal priorities in submission order.
 * Jobs submitted while the bundle loads wait for it; if loading fails, they fail with its error.
 *
 * <h2>Shutdown</h2>
 * {@link #close()} cancels every queued and running job (their futures complete cancelled), joins the worker
 * threads and releases the models' native memory. Thread-safe.
 */
public final class AssetGenerator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AssetGenerator.class.getName());
    private static final AtomicLong INSTANCES = new AtomicLong();

    /** The generator's life cycle. */
    public enum Status {
        /** The worker is loading the model bundle; jobs can be submitted and wait. */
        LOADING,
        /** The models are loaded. */
        READY,
        /** Loading failed ({@link #ready()} holds the error); every job fails with it. */
        FAILED,
        /** Closed. */
        CLOSED
    }

    /** Loads the engine on the worker thread. */
    @FunctionalInterface
    interface EngineLoader {
        Engine load() throws Exception;
    }

    private final Options options;
    private final Object lock = new Object();
    private final PriorityQueue<GenerationJob> queue = new PriorityQueue<>((a, b) -> {
        int c = Integer.compare(b.request().priority(), a.request().priority());
        return c != 0 ? c : Long.compare(a.sequence(), b.sequence());
    });
    private final List<GenerationJob> running = new ArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final Thread worker;
    private final AssetCache cache;
    private volatile Status status = Status.LOADING;
    private volatile Engine engine;
    private volatile Throwable loadError;
    private boolean closed;

    AssetGenerator(EngineLoader loader, Options options) throws IOException {
        this.options = options;
        this.cache = options.cacheDir() == null ? null : new AssetCache(options.cacheDir(), options.cacheMaxBytes());
        worker = new Thread(() -> work(loader), "gen3d-worker-" + INSTANCES.incrementAndGet());
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Starts a generator: the worker thread begins loading the bundle at once.
     *
     * @param options what to load and how (not null)
     * @return the generator, in {@link Status#LOADING}; close it when done (not null)
     * @throws IOException if the cache folder cannot be created
     */
    public static AssetGenerator start(Options options) throws IOException {
        if (options == null) {
            throw new IllegalArgumentException("options is null");
        }
        return new AssetGenerator(() -> new BundleEngine(options.bundleFolder() != null
                ? ModelBundle.load(options.bundleFolder(), options.device())
                : ModelBundle.loadResource(options.bundleResource(), options.device()), options.workerThreads()),
                options);
    }

    /** @return where the generator stands (not null) */
    public Status status() {
        return status;
    }

    /** @return completes when the models are loaded, or exceptionally with the loading error (not null) */
    public CompletableFuture<Void> ready() {
        return ready.copy();
    }

    /** @return the loaded bundle's categories in label order (empty until loaded, or without a front end) */
    public List<String> categories() {
        Engine e = engine;
        return e == null ? List.of() : e.categories();
    }

    /**
     * @return the guidance scale the loaded bundle recommends, used by requests that leave it open
     *     ({@code ModelBundle.recommendedGuidance()}), or NaN until loaded
     */
    public float recommendedGuidance() {
        Engine e = engine;
        return e == null ? Float.NaN : e.guidance();
    }

    /** @return "name version", or null until loaded */
    public String bundleName() {
        Engine e = engine;
        return e == null ? null : e.name() + " " + e.version();
    }

    /** @return "cpu" or "gpu", or null until loaded */
    public String device() {
        Engine e = engine;
        return e == null ? null : e.device();
    }

    /** @return jobs waiting in the queue */
    public int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** @return jobs a worker is on */
    public int running() {
        synchronized (lock) {
            return running.size();
        }
    }

    /** @return the options (not null) */
    public Options options() {
        return options;
    }

    /**
     * Submits a request.
     *
     * @param request the request (not null)
     * @return the job (not null)
     * @throws QueueFullException when {@link Options#queueCapacity()} jobs already wait (nothing is queued)
     * @throws IllegalStateException when the generator is closed
     * @throws IllegalArgumentException for a category the loaded model does not know
     */
    public GenerationJob submit(GenerationRequest request) {
        return submit(request, null);
    }

    /**
     * Submits a request with a listener (added before the job can start, so it sees every update).
     *
     * @param request the request (not null)
     * @param listener progress receiver, called on the worker thread (null for none)
     * @return the job (not null)
     * @throws QueueFullException when {@link Options#queueCapacity()} jobs already wait (nothing is queued)
     * @throws IllegalStateException when the generator is closed
     * @throws IllegalArgumentException for a category the loaded model does not know
     */
    public GenerationJob submit(GenerationRequest request, GenerationListener listener) {
        if (request == null) {
            throw new IllegalArgumentException("request is null");
        }
        Engine e = engine;
        if (e != null && request.inputKind() == GenerationRequest.InputKind.CATEGORY
                && !e.categories().contains(request.category())) {
            throw new IllegalArgumentException("unknown category '" + request.category() + "'; model bundle '"
                    + e.name() + "' knows " + e.categories());
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the asset generator is closed");
            }
            if (queue.size() >= options.queueCapacity()) {
                throw new QueueFullException("the generation queue is full (" + queue.size() + " jobs waiting, "
                        + "capacity " + options.queueCapacity() + "); try again when a job has finished");
            }
            long id = ids.incrementAndGet();
            GenerationJob job = new GenerationJob(id, id, request, this::unqueue);
            if (listener != null) {
                job.addListener(listener);
            }
            queue.add(job);
            lock.notifyAll();
            return job;
        }
    }

    private boolean unqueue(GenerationJob job) {
        synchronized (lock) {
            return queue.remove(job);
        }
    }

    private void work(EngineLoader loader) {
        Engine e = null;
        try {
            e = loader.load();
            synchronized (lock) {
                if (!closed) {
                    engine = e;
                    status = Status.READY;
                }
            }
            if (engine == null) {
                e.close();
                return;
            }
            LOG.info("asset generator ready: " + e.name() + " " + e.version() + " on " + e.device());
            ready.complete(null);
        } catch (Throwable t) {
            loadError = t;
            synchronized (lock) {
                if (!closed) {
                    status = Status.FAILED;
                }
            }
            LOG.log(Level.SEVERE, "the asset generator could not load its model bundle", t);
            ready.completeExceptionally(t);
        }
        Pipeline pipeline = engine == null ? null : new Pipeline(engine, cache);
        try {
            while (true) {
                GenerationJob job;
                boolean started;
                synchronized (lock) {
                    while (queue.isEmpty() && !closed) {
                        lock.wait();
                    }
                    if (closed) {
                        break;
                    }
                    job = queue.poll();
                    started = job.start();
                    if (started) {
                        running.add(job);
                    }
                }
                if (!started) {
                    job.dropCancelled(); // cancelled after it left the queue: finish it (outside the lock)
                    continue;
                }
                try {
                    if (pipeline == null) {
                        job.fail(new IllegalStateException("the model bundle failed to load: " + loadError,
                                loadError));
                    } else {
                        job.succeed(pipeline.run(job));
                    }
                } catch (CancellationException c) {
                    job.fail(c);
                } catch (Throwable t) {
                    if (!(t instanceof IOException || t instanceof IllegalArgumentException)) {
                        LOG.log(Level.WARNING, "job " + job.id() + " failed", t);
                    }
                    job.fail(t);
                } finally {
                    synchronized (lock) {
                        running.remove(job);
                    }
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            if (engine != null) {
                engine.close();
            }
            status = Status.CLOSED;
        }
    }

    /**
     * Cancels every job, joins the worker (waiting up to {@link Options#shutdownTimeoutMillis()}) and releases
     * the models. Idempotent. Called on the worker thread itself (from a job's completion callback or listener) it
     * returns at once and the worker stops when the callback returns.
     */
    @Override
    public void close() {
        List<GenerationJob> toCancel;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toCancel = new ArrayList<>(queue);
            toCancel.addAll(running);
            lock.notifyAll();
        }
        for (GenerationJob j : toCancel) {
            j.cancel();
        }
        // called from a job's callback or listener on the worker itself, close() cannot wait for its own end: the
        // worker stops (and releases the models) as soon as the callback returns
        if (Thread.currentThread() != worker) {
            try {
                worker.join(options.shutdownTimeoutMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worker.isAlive()) {
                LOG.warning("asset generator worker " + worker.getName() + " did not stop within "
                        + options.shutdownTimeoutMillis() + " ms; it stops after its current model call");
            }
        }
        for (GenerationJob j : toCancel) {
            j.fail(new CancellationException("the asset generator was closed"));
        }
        ready.completeExceptionally(new CancellationException("the asset generator was closed"));
        status = Status.CLOSED;
    }

    /** @return true once the worker thread has ended (after {@link #close()}) */
    boolean terminated() {
        return !worker.isAlive();
    }

    @Override
    public String toString() {
        Engine e = engine;
        return "AssetGenerator[" + status + (e == null ? "" : ", " + e.name() + " " + e.version() + " on "
                + e.device()) + ", " + queued() + " queued, " + running() + " running]";
    }

    /**
     * How to run a generator. Immutable; start from {@link #defaults()}.
     *
     * @param bundleFolder a bundle folder on disk, or null to use {@code bundleResource}
     * @param bundleResource a bundle on the classpath (the shipped default: {@value #DEFAULT_BUNDLE})
     * @param device where to run the models (not null)
     * @param queueCapacity most jobs that may wait (1..100,000)
     * @param cacheDir the disk cache folder, or null for no cache
     * @param cacheMaxBytes the cache's size limit (&gt; 0)
     * @param shutdownTimeoutMillis how long {@link #close()} waits for the worker (&ge; 0)
     * @param workerThreads CPU threads one job may use (1..256): PyTorch's intra-op threads on the CPU, the
     *     rasterizer inside the sampler, mesh extraction
     */
    public record Options(Path bundleFolder, String bundleResource, DevicePolicy device, int queueCapacity,
            Path cacheDir, long cacheMaxBytes, long shutdownTimeoutMillis, int workerThreads) {
        /**
         * The shipped default bundle's classpath resource (in the {@code gen3d-assets} jar): trained on 0 A.D.'s game
         * art and the procedural props; its weights are CC-BY-SA 3.0 (its {@code ATTRIBUTION.txt}).
         */
        public static final String DEFAULT_BUNDLE = "Models/gen3d-default";
        /**
         * The procedural-only bundle's classpath resource: trained on the project's own procedural props alone,
         * BSD-3-Clause like the code (the permissive alternative to {@link #DEFAULT_BUNDLE}).
         */
        public static final String PROCEDURAL_BUNDLE = "Models/gen3d-procedural";

        /** Checks the values. */
        public Options {
            if (bundleFolder == null && bundleResource == null) {
                throw new IllegalArgumentException("give a bundle folder or a bundle resource");
            }
            if (device == null) {
                throw new IllegalArgumentException("device policy is null");
            }
            if (queueCapacity < 1 || queueCapacity > 100_000) {
                throw new IllegalArgumentException("queue capacity must be in 1..100000, got " + queueCapacity);
            }
            if (cacheMaxBytes <= 0 || shutdownTimeoutMillis < 0) {
                throw new IllegalArgumentException("cache size must be positive and the shutdown timeout >= 0");
            }
            if (workerThreads < 1 || workerThreads > 256) {
                throw new IllegalArgumentException("worker threads must be in 1..256, got " + workerThreads);
            }
        }

        /**
         * @return the shipped default bundle, device chosen automatically, 64 queued jobs, no cache, 30 s, and one
         *     CPU thread fewer than the machine has (at least one), so that a running game keeps a core for its
         *     render thread
         */
        public static Options defaults() {
            return new Options(null, DEFAULT_BUNDLE, DevicePolicy.AUTO, 64, null, 512L << 20, 30_000,
                    Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        }

        /**
         * @param folder a model bundle folder (not null)
         * @return a copy loading that bundle
         */
        public Options withBundle(Path folder) {
            return new Options(folder, null, device, queueCapacity, cacheDir, cacheMaxBytes, shutdownTimeoutMillis,
                    workerThreads);
        }

        /**
         * @param resource a model bundle on the classpath, e.g. {@link #DEFAULT_BUNDLE} or {@link #PROCEDURAL_BUNDLE}
         *     (not null)
         * @return a copy loading that bundle
         */
        public Options withBundleResource(String resource) {
            if (resource == null) {
                throw new IllegalArgumentException("bundle resource is null");
            }
            return new Options(null, resource, device, queueCapacity, cacheDir, cacheMaxBytes, shutdownTimeoutMillis,
                    workerThreads);
        }

        /**
         * Chooses one of the shipped models by name.
         *
         * @param name {@code default} ({@link #DEFAULT_BUNDLE}) or {@code procedural} ({@link #PROCEDURAL_BUNDLE})
         * @return a copy loading that bundle
         * @throws IllegalArgumentException for another name (the message lists the names)
         */
        public Options withShippedModel(String name) {
            return withBundleResource(switch (name == null ? "" : name) {
                case "default" -> DEFAULT_BUNDLE;
                case "procedural" -> PROCEDURAL_BUNDLE;
                default -> throw new IllegalArgumentException("unknown shipped model '" + name
                        + "': use default (game art and procedural props) or procedural (procedural props only)");
            });
        }

        /**
         * @param policy where to run (not null)
         * @return a copy with that device policy
         */
        public Options withDevice(DevicePolicy policy) {
            return new Options(bundleFolder, bundleResource, policy, queueCapacity, cacheDir, cacheMaxBytes,
                    shutdownTimeoutMillis, workerThreads);
        }

        /**
         * @param capacity most waiting jobs
         * @return a copy with that capacity
         */
        public Options withQueueCapacity(int capacity) {
            return new Options(bundleFolder, bundleResource, device, capacity, cacheDir, cacheMaxBytes,
                    shutdownTimeoutMillis, workerThreads);
        }

        /**
         * @param folder the cache folder (null: no cache)
         * @param maxBytes its size limit
         * @return a copy with that cache
         */
        public Options withCache(Path folder, long maxBytes) {
            return new Options(bundleFolder, bundleResource, device, queueCapacity, folder, maxBytes,
                    shutdownTimeoutMillis, workerThreads);
        }

        /**
         * @param millis how long close() waits for the worker
         * @return a copy with that timeout
         */
        public Options withShutdownTimeout(long millis) {
            return new Options(bundleFolder, bundleResource, device, queueCapacity, cacheDir, cacheMaxBytes, millis,
                    workerThreads);
        }

        /**
         * @param threads CPU threads one job may use (a batch tool with no window: all cores)
         * @return a copy with that thread count
         */
        public Options withWorkerThreads(int threads) {
            return new Options(bundleFolder, bundleResource, device, queueCapacity, cacheDir, cacheMaxBytes,
                    shutdownTimeoutMillis, threads);
        }
    }
}
