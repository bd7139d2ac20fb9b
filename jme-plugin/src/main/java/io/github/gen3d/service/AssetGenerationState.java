package io.github.gen3d.service;

import com.jme3.app.Application;
import com.jme3.app.SimpleApplication;
import com.jme3.app.state.AppStateManager;
import com.jme3.app.state.BaseAppState;
import com.jme3.asset.AssetManager;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The plugin's front door: an app state that generates props and hot-loads them into the running scene.
 *
 * <pre>{@code
 * AssetGenerationState gen = new AssetGenerationState();          // the shipped default model
 * stateManager.attach(gen);                                       // starts loading it on a worker
 * GenerationJob job = gen.generate(GenerationRequest.builder()
 *         .category("barrel").seed(7)
 *         .attachTo(rootNode, new Transform(new Vector3f(2, 0.5f, -3)))
 *         .build());
 * gen.nodeOf(job).thenAccept(node -> ...);                        // runs on the render thread
 * }</pre>
 *
 * <h2>Life cycle</h2>
 * Attaching the state (at the latest {@code initialize}) starts an {@link AssetGenerator}, whose worker loads the
 * model bundle ({@link #status()} is
 * {@code LOADING}, then {@code READY} or {@code FAILED}); {@code cleanup} cancels every job, joins the worker and
 * releases the models' native memory. {@code onEnable/onDisable} attach and detach the placeholders; while the
 * state is disabled, finished props wait and are placed when it is enabled again.
 *
 * <h2>Hot-loading</h2>
 * {@link #generate} puts a placeholder where the prop will go at once (a wire cube with a progress bar and a
 * billboard of the current estimate of the target views); when the job succeeds, the prop's node (built on the
 * worker) replaces it. A failed or cancelled job removes its placeholder. The scene graph is only ever changed on
 * the render thread, in {@link #update}: progress and results are handed over through queues.
 */
public class AssetGenerationState extends BaseAppState {
    private static final Logger LOG = Logger.getLogger(AssetGenerationState.class.getName());

    private final AssetGenerator.Options options;
    private final AssetGenerator.EngineLoader loader;
    private final ConcurrentLinkedQueue<Runnable> renderTasks = new ConcurrentLinkedQueue<>();
    private final Map<GenerationJob, GenerationProgress> latest = new ConcurrentHashMap<>();
    private final Map<GenerationJob, Placed> placed = new LinkedHashMap<>();
    private volatile AssetGenerator generator;
    private volatile Thread renderThread;
    private AssetManager assets;
    private Node defaultParent;
    private volatile boolean closing;

    /** A job's placeholder and where it goes (render thread only). */
    private static final class Placed {
        final Placeholder placeholder;
        final Node parent;

        Placed(Placeholder placeholder, Node parent) {
            this.placeholder = placeholder;
            this.parent = parent;
        }
    }

    /** A state on the shipped default model bundle, without a disk cache. */
    public AssetGenerationState() {
        this(AssetGenerator.Options.defaults());
    }

    /**
     * @param options the model bundle, queue and cache (not null)
     */
    public AssetGenerationState(AssetGenerator.Options options) {
        this(options, null);
    }

    AssetGenerationState(AssetGenerator.Options options, AssetGenerator.EngineLoader loader) {
        if (options == null) {
            throw new IllegalArgumentException("options is null");
        }
        this.options = options;
        this.loader = loader;
    }

    /**
     * Starts the generator as soon as the state is attached, so that {@link #generate} works at once (for example
     * from {@code simpleInitApp}); the model loads on the worker meanwhile.
     */
    @Override
    public void stateAttached(AppStateManager stateManager) {
        super.stateAttached(stateManager);
        if (stateManager.getApplication() != null) {
            start(stateManager.getApplication());
        }
    }

    private synchronized void start(Application app) {
        if (generator != null && generator.status() != AssetGenerator.Status.CLOSED) {
            return;
        }
        closing = false;
        renderThread = Thread.currentThread();
        assets = app.getAssetManager();
        defaultParent = app instanceof SimpleApplication s ? s.getRootNode() : null;
        try {
            generator = loader == null ? AssetGenerator.start(options) : new AssetGenerator(loader, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the asset generator: " + e.getMessage(), e);
        }
    }

    @Override
    protected void initialize(Application app) {
        start(app);
        renderThread = Thread.currentThread(); // initialize always runs on the render thread
    }

    @Override
    protected void cleanup(Application app) {
        closing = true;
        AssetGenerator g = generator;
        if (g != null) {
            g.close();
        }
        update(0); // settles the futures the close cancelled
        for (Map.Entry<GenerationJob, Placed> e : placed.entrySet()) {
            e.getValue().placeholder.node().removeFromParent();
            e.getKey().placement(this).cancel(false);
        }
        placed.clear();
        renderTasks.clear();
        latest.clear();
    }

    @Override
    protected void onEnable() {
        for (Placed p : placed.values()) {
            p.parent.attachChild(p.placeholder.node());
        }
    }

    @Override
    protected void onDisable() {
        for (Placed p : placed.values()) {
            p.placeholder.node().removeFromParent();
        }
    }

    /**
     * Submits a request; its placeholder appears at once when called on the render thread, else at the next
     * frame. Works as soon as the state is attached (the request waits while the model loads).
     *
     * @param request the request (not null); its parent, or the application's root node, receives the prop
     * @return the job (not null)
     * @throws IllegalStateException before the state is attached or after cleanup, or when there is no parent (the
     *     request names none and the application is not a {@code SimpleApplication})
     * @throws QueueFullException when the queue is full (nothing is queued, no placeholder appears)
     * @throws IllegalArgumentException for a category the loaded model does not know
     */
    public GenerationJob generate(GenerationRequest request) {
        AssetGenerator g = generator;
        if (g == null || closing) {
            throw new IllegalStateException(closing ? "the AssetGenerationState was cleaned up"
                    : "attach the AssetGenerationState to the state manager first");
        }
        if (request == null) {
            throw new IllegalArgumentException("request is null");
        }
        Node parent = request.parent() != null ? request.parent() : defaultParent;
        if (parent == null) {
            throw new IllegalStateException("the request names no parent node and the application has no root node");
        }
        CompletableFuture<Node> node = new CompletableFuture<>();
        GenerationJob job = g.submit(request, (j, p) -> {
            if (latest.put(j, p) == null) {
                renderTasks.add(() -> showProgress(j));
            }
        });
        job.setPlacement(this, node);
        String name = request.assetName();
        Runnable place = () -> place(job, parent, name);
        if (Thread.currentThread() == renderThread) {
            place.run();
        } else {
            renderTasks.add(place);
        }
        job.future().whenComplete((result, error) -> {
            Node built = null;
            Throwable failure = error;
            if (result != null) {
                try {
                    built = result.toNode(name, assets); // packs the splat textures here, off the render thread
                    built.setLocalTransform(request.transform());
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            Node finalNode = built;
            Throwable finalFailure = failure;
            renderTasks.add(() -> finish(job, finalNode, finalFailure));
        });
        return job;
    }

    /**
     * @param job a job from {@link #generate} (not null)
     * @return completes on the render thread with the prop's node once it is in the scene, or exceptionally (or
     *     cancelled) when the job fails or is cancelled (not null)
     * @throws IllegalArgumentException for a job this state does not know
     */
    public CompletableFuture<Node> nodeOf(GenerationJob job) {
        CompletableFuture<Node> f = job == null ? null : job.placement(this);
        if (f == null) {
            throw new IllegalArgumentException("job " + (job == null ? null : job.id()) + " is not this state's");
        }
        return f;
    }

    /** @return the generator's status (LOADING before initialisation) */
    public AssetGenerator.Status status() {
        AssetGenerator g = generator;
        return g == null ? AssetGenerator.Status.LOADING : g.status();
    }

    /** @return "model gen3d-default 0.1.0 on cpu, 1 running, 2 queued" or the loading state (not null) */
    public String statusLine() {
        AssetGenerator g = generator;
        if (g == null || g.status() == AssetGenerator.Status.LOADING) {
            return "model loading…";
        }
        if (g.status() != AssetGenerator.Status.READY) {
            return "model " + g.status().name().toLowerCase(java.util.Locale.ROOT);
        }
        return "model " + g.bundleName() + " on " + g.device() + ", " + g.running() + " running, " + g.queued()
                + " queued";
    }

    /** @return the generator, for its categories, queue figures and {@code ready()} future; null before init */
    public AssetGenerator generator() {
        return generator;
    }

    /** @return placeholders in the scene now (render thread) */
    int placeholderCount() {
        return placed.size();
    }

    /** @return the job's placeholder node, or null (render thread) */
    Spatial placeholderOf(GenerationJob job) {
        Placed p = placed.get(job);
        return p == null ? null : p.placeholder.node();
    }

    @Override
    public void update(float tpf) {
        // only what is queued now: a task may queue another one for the next frame
        for (int n = renderTasks.size(); n > 0; n--) {
            Runnable r = renderTasks.poll();
            if (r == null) {
                break;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "generation scene update failed", e);
            }
        }
    }

    private void checkRenderThread() {
        if (Thread.currentThread() != renderThread) {
            throw new IllegalStateException("scene change off the render thread (" + Thread.currentThread().getName()
                    + ")");
        }
    }

    private void place(GenerationJob job, Node parent, String name) {
        checkRenderThread();
        Placeholder p = new Placeholder(name + "-placeholder", assets);
        p.node().setLocalTransform(job.request().transform());
        placed.put(job, new Placed(p, parent));
        if (isEnabled()) {
            parent.attachChild(p.node());
        }
        showProgress(job);
    }

    private void showProgress(GenerationJob job) {
        checkRenderThread();
        GenerationProgress pr = latest.remove(job);
        Placed p = placed.get(job);
        if (pr != null && p != null) {
            p.placeholder.setProgress(pr.fraction(), pr.threeD() != null ? pr.threeD() : pr.twoD());
        }
    }

    private void finish(GenerationJob job, Node node, Throwable error) {
        checkRenderThread();
        if (!isEnabled() && !closing) {
            renderTasks.add(() -> finish(job, node, error)); // placed once enabled again
            return;
        }
        Placed p = placed.remove(job);
        latest.remove(job);
        if (p != null) {
            p.placeholder.node().removeFromParent();
        }
        CompletableFuture<Node> f = job.placement(this);
        if (node != null && p != null) {
            p.parent.attachChild(node);
            if (f != null) {
                f.complete(node);
            }
        } else if (f != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause instanceof CancellationException || cause == null) {
                f.cancel(false);
            } else {
                LOG.log(Level.INFO, "job " + job.id() + " failed: " + cause.getMessage());
                f.completeExceptionally(cause);
            }
        }
    }

    /** @return the jobs with a placeholder now, oldest first (render thread) */
    List<GenerationJob> pendingJobs() {
        return new ArrayList<>(placed.keySet());
    }
}
