package io.github.gen3d.service;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One submitted generation: its {@link #future() future}, its progress, and {@link #cancel()}. Thread-safe.
 *
 * <pre>{@code
 * GenerationJob job = generator.submit(request, (j, p) -> System.out.println(p));
 * job.future().thenAccept(result -> ...);   // runs on the worker thread: hand scene work to app.enqueue
 * job.cancel();                              // while queued or running
 * }</pre>
 *
 * <p>The future always completes: with the result, exceptionally with the failure (for example an
 * {@link io.github.gen3d.image.InputImageException} naming the picture), or cancelled. Cancelling the future
 * cancels the job.
 */
public final class GenerationJob {
    private static final Logger LOG = Logger.getLogger(GenerationJob.class.getName());

    /** Where a job stands. */
    public enum State {
        /** Waiting for a worker. */
        QUEUED,
        /** A worker is on it. */
        RUNNING,
        /** Finished with a result. */
        SUCCEEDED,
        /** Finished with an error. */
        FAILED,
        /** Cancelled before it finished. */
        CANCELLED;

        /** @return true for the three final states */
        public boolean isFinal() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }
    }

    private final long id;
    private final GenerationRequest request;
    private final long sequence;
    private final JobFuture future = new JobFuture();
    private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
    private final List<GenerationListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean cancelRequested;
    /** The scene node's future when an {@link AssetGenerationState} places the prop, else null. */
    private volatile CompletableFuture<com.jme3.scene.Node> placement;
    private volatile Object owner;
    private volatile GenerationProgress progress;
    /** Takes a queued job out of its queue; set by the generator. */
    private final Unqueue unqueue;

    /** Removes a job from the queue it waits in. */
    interface Unqueue {
        /**
         * @param job the job
         * @return true if it was still queued and is now removed
         */
        boolean remove(GenerationJob job);
    }

    GenerationJob(long id, long sequence, GenerationRequest request, Unqueue unqueue) {
        this.id = id;
        this.sequence = sequence;
        this.request = request;
        this.unqueue = unqueue;
        this.progress = new GenerationProgress(id, GenerationProgress.Phase.QUEUED, 0, request.steps(), 0,
                Double.NaN, null, null);
    }

    /** @return the job's number, unique within its generator */
    public long id() {
        return id;
    }

    long sequence() {
        return sequence;
    }

    /** @return the request (not null) */
    public GenerationRequest request() {
        return request;
    }

    /** @return the result's future (not null); it always completes (see the class description) */
    public CompletableFuture<GenerationResult> future() {
        return future;
    }

    /** @return where the job stands (not null) */
    public State state() {
        return state.get();
    }

    /** @return the latest progress (not null) */
    public GenerationProgress progress() {
        return progress;
    }

    /**
     * Adds a listener; it is called with the latest progress at once (on this thread) and then with each update
     * (on the worker thread).
     *
     * @param listener the listener (not null)
     * @return this job
     */
    public GenerationJob addListener(GenerationListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        listeners.add(listener);
        call(listener, progress);
        return this;
    }

    /**
     * Cancels the job. A queued job leaves the queue and its future is cancelled at once; a running one stops at
     * the sampler's next check (within one DDIM step) and its future is then cancelled. A finished job is left as
     * it is.
     *
     * @return true if the job was not finished yet
     */
    public boolean cancel() {
        if (state.get().isFinal()) {
            return false;
        }
        cancelRequested = true;
        if (unqueue.remove(this)) {
            dropCancelled();
        }
        return true;
    }

    /**
     * Finishes a cancelled job that never started: one {@link #cancel()} took off the queue, or one the worker took
     * off the queue but will not run because cancel() came in between (cancel could no longer unqueue it, and
     * {@link #start()} refused it; without this it would never finish).
     */
    void dropCancelled() {
        if (state.compareAndSet(State.QUEUED, State.CANCELLED)) {
            publish(finishedProgress());
            future.completeCancelled();
        }
    }

    void setPlacement(Object state, CompletableFuture<com.jme3.scene.Node> node) {
        owner = state;
        placement = node;
    }

    /** @return the placement future if {@code state} placed this job, else null */
    CompletableFuture<com.jme3.scene.Node> placement(Object state) {
        return owner == state ? placement : null;
    }

    /** @return true once {@link #cancel()} was called (the sampler polls this) */
    boolean cancelRequested() {
        return cancelRequested;
    }

    /** @return true if the job moved from QUEUED to RUNNING (false: it was cancelled meanwhile) */
    boolean start() {
        return !cancelRequested && state.compareAndSet(State.QUEUED, State.RUNNING);
    }

    void succeed(GenerationResult result) {
        if (cancelRequested) {
            fail(new java.util.concurrent.CancellationException("job " + id + " was cancelled"));
            return;
        }
        if (state.compareAndSet(State.RUNNING, State.SUCCEEDED)) {
            publish(finishedProgress());
            future.complete(result);
        }
    }

    void fail(Throwable error) {
        boolean cancelled = error instanceof java.util.concurrent.CancellationException;
        State to = cancelled ? State.CANCELLED : State.FAILED;
        if (state.compareAndSet(State.RUNNING, to) || state.compareAndSet(State.QUEUED, to)) {
            publish(finishedProgress());
            if (cancelled) {
                future.completeCancelled();
            } else {
                future.completeExceptionally(error);
            }
        }
    }

    private GenerationProgress finishedProgress() {
        GenerationProgress p = progress;
        return new GenerationProgress(id, GenerationProgress.Phase.FINISHED, p.step(), p.totalSteps(), 1, 0,
                p.twoD(), p.threeD());
    }

    void publish(GenerationProgress p) {
        progress = p;
        for (GenerationListener l : listeners) {
            call(l, p);
        }
    }

    private void call(GenerationListener l, GenerationProgress p) {
        try {
            l.onProgress(this, p);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "progress listener of job " + id + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "GenerationJob[" + id + ", " + state.get() + ", " + request + "]";
    }

    /** The job's future: cancelling it cancels the job. */
    private final class JobFuture extends CompletableFuture<GenerationResult> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            GenerationJob.this.cancelRequested = true;
            GenerationJob.this.cancel();
            return completeCancelled() || isCancelled();
        }

        boolean completeCancelled() {
            return super.cancel(false);
        }
    }
}
