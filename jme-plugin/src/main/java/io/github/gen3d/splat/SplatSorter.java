package io.github.gen3d.splat;

import com.jme3.util.BufferUtils;
import java.nio.IntBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a back-to-front splat order for one cloud up to date on a background thread.
 *
 * <h2>Depth</h2>
 * The depth of splat {@code i} is {@code dot(p_i − cam, dir)} in the cloud frame (the camera's view axis, as
 * {@code c.z} in {@code docs/rendering.md}, divided by the node's uniform scale). The camera position only adds
 * the same constant to every depth, so the order depends on the view <b>direction</b> alone: a new sort is
 * requested when the direction in the cloud frame turned by more than {@link #DEFAULT_TURN_DEGREES} since the
 * last request, never for a pure move.
 *
 * <h2>Threads and buffers</h2>
 * Three preallocated order buffers (direct {@link IntBuffer}s of {@code n} ints) circulate without locks:
 * <ul>
 * <li>{@code front}: owned by the render thread (the one set on the vertex buffer and uploaded);</li>
 * <li>{@code back}: owned by the sorter, which writes the next order into it;</li>
 * <li>the one named by {@link #ready}: handed over; the {@link #FRESH} bit says it holds an order the render
 * thread has not taken yet.</li>
 * </ul>
 * The sorter publishes with {@code back = ready.getAndSet(back | FRESH) & 3}; the render thread takes with
 * {@code front = ready.getAndSet(front) & 3}. Each buffer is therefore owned by exactly one side at any time and
 * the atomic exchange orders the sorter's writes before the render thread's reads: no buffer is ever read while
 * it is written, and neither side allocates.
 *
 * <p>The camera request is a few floats under a small monitor (held for a copy, never during a sort). The worker
 * is a named daemon thread started on the first request, and it ends by itself after {@link #IDLE_EXIT_MS} without
 * requests (so a node that is simply no longer rendered leaks no thread) or at once on {@link #shutdown()}; a later
 * request starts a new one. The very first order is computed on the calling thread so the first frame is already
 * sorted.
 */
final class SplatSorter {
    /** Turn of the view direction (degrees, in the cloud frame) that triggers a new sort. */
    static final float DEFAULT_TURN_DEGREES = 0.25f;
    /** A worker without requests for this long ends. */
    static final long IDLE_EXIT_MS = 2000;
    /** Bit in {@link #ready}: the slot holds an order not yet taken by the render thread. */
    private static final int FRESH = 4;
    private static final Logger LOGGER = Logger.getLogger(SplatSorter.class.getName());
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final float[] positions;
    private final int n;
    private final String name;
    private final IntBuffer[] slots = new IntBuffer[3];
    private final AtomicInteger ready = new AtomicInteger(1);
    private final AtomicLong sortsDone = new AtomicLong();
    private final float cosTurn;

    // sorter-owned (the worker, or the first caller before any worker exists)
    private final DepthSort sort;
    private final float[] depths;
    private final int[] order;
    private int back = 2;

    // render-thread-owned
    private int front = 0;
    private long swaps;
    private boolean requestedOnce;
    private float lastX, lastY, lastZ;

    // guarded by lock
    private final Object lock = new Object();
    private float reqX, reqY, reqZ;
    private long reqSeq;
    private long takenSeq;
    private boolean stopped;
    private Thread worker;

    /**
     * Preallocates the three order buffers (the first holds the identity order), the depth and radix scratch.
     *
     * @param positions splat centres, 3 per splat, in the cloud frame (not null; read by the worker, must not
     *     change afterwards)
     * @param n number of splats
     * @param name used in the worker thread's name (not null)
     */
    SplatSorter(float[] positions, int n, String name) {
        if (positions.length < 3L * n) {
            throw new IllegalArgumentException("positions hold fewer than " + n + " splats");
        }
        this.positions = positions;
        this.n = n;
        this.name = name;
        this.cosTurn = (float) Math.cos(Math.toRadians(DEFAULT_TURN_DEGREES));
        for (int s = 0; s < 3; s++) {
            slots[s] = BufferUtils.createIntBuffer(Math.max(n, 1));
            slots[s].limit(n);
        }
        for (int i = 0; i < n; i++) {
            slots[0].put(i, i);
        }
        sort = new DepthSort(n);
        depths = new float[n];
        order = new int[n];
    }

    /** @return the number of splats */
    int size() {
        return n;
    }

    /**
     * The buffer the render thread currently owns (initially the identity order).
     *
     * @return one of the three preallocated buffers (live)
     */
    IntBuffer front() {
        return slots[front];
    }

    /**
     * Render thread: asks for a new order if the view direction (unit vector in the cloud frame) turned enough
     * since the last request. The very first call sorts on the calling thread. Allocates nothing (except when it
     * has to start a worker thread).
     *
     * @param dx direction x
     * @param dy direction y
     * @param dz direction z
     * @return true if a sort was requested (or done)
     */
    boolean update(float dx, float dy, float dz) {
        if (!(Float.isFinite(dx) && Float.isFinite(dy) && Float.isFinite(dz))) {
            return false;
        }
        if (!requestedOnce) {
            requestedOnce = true;
            lastX = dx;
            lastY = dy;
            lastZ = dz;
            synchronized (lock) {
                if (worker == null) {
                    // no worker yet: this thread is the only sorter, so it may use the sorter-owned state
                    sortAndPublish(dx, dy, dz);
                    return true;
                }
            }
            request(dx, dy, dz);
            return true;
        }
        if (lastX * dx + lastY * dy + lastZ * dz >= cosTurn) {
            return false;
        }
        lastX = dx;
        lastY = dy;
        lastZ = dz;
        request(dx, dy, dz);
        return true;
    }

    private void request(float dx, float dy, float dz) {
        synchronized (lock) {
            reqX = dx;
            reqY = dy;
            reqZ = dz;
            reqSeq++;
            stopped = false;
            if (worker == null) {
                worker = new Thread(this::workerLoop, "gen3d-splat-sort-" + THREAD_IDS.incrementAndGet() + "-" + name);
                worker.setDaemon(true);
                worker.start();
            } else {
                lock.notifyAll();
            }
        }
    }

    /**
     * Render thread: takes the newest finished order if there is one.
     *
     * @return the buffer to upload (now owned by the render thread until the next swap), or null when nothing new
     *     is ready
     */
    IntBuffer poll() {
        if ((ready.get() & FRESH) == 0) {
            return null;
        }
        front = ready.getAndSet(front) & 3;
        swaps++;
        return slots[front];
    }

    /** @return how many orders the render thread has taken ({@link #poll()} returned non-null) */
    long swaps() {
        return swaps;
    }

    /** @return how many sorts have finished */
    long sortsDone() {
        return sortsDone.get();
    }

    /** @return the live worker thread, or null if none is running */
    Thread workerThread() {
        synchronized (lock) {
            return worker;
        }
    }

    /**
     * Stops the worker (if any) without waiting for it; a later {@link #update} starts a new one. Safe from any
     * thread.
     */
    void shutdown() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    /**
     * Stops the worker and waits for it to end.
     *
     * @param timeoutMs the longest wait
     * @return true if no worker is alive afterwards
     * @throws InterruptedException if interrupted while waiting
     */
    boolean shutdownAndWait(long timeoutMs) throws InterruptedException {
        Thread t;
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
            t = worker;
        }
        if (t != null) {
            t.join(timeoutMs);
            return !t.isAlive();
        }
        return true;
    }

    private void workerLoop() {
        float dx, dy, dz;
        try {
            while (true) {
                synchronized (lock) {
                    long idleSince = System.nanoTime();
                    while (reqSeq == takenSeq && !stopped) {
                        long left = IDLE_EXIT_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince);
                        if (left <= 0) {
                            worker = null;
                            return;
                        }
                        lock.wait(left);
                    }
                    if (stopped) {
                        worker = null;
                        return;
                    }
                    dx = reqX;
                    dy = reqY;
                    dz = reqZ;
                    takenSeq = reqSeq;
                }
                sortAndPublish(dx, dy, dz);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOGGER.log(Level.SEVERE, "splat sorter '" + name + "' failed", e);
        }
        synchronized (lock) {
            if (worker == Thread.currentThread()) {
                worker = null;
            }
        }
    }

    /** Computes depths along (dx, dy, dz), sorts, fills the back slot and publishes it. Sorter-owned state only. */
    private void sortAndPublish(float dx, float dy, float dz) {
        computeDepths(positions, n, dx, dy, dz, depths);
        sort.sortDescending(depths, n, order);
        IntBuffer buf = slots[back];
        buf.put(0, order, 0, n);
        back = ready.getAndSet(back | FRESH) & 3;
        sortsDone.incrementAndGet();
    }

    /**
     * Depth of each centre along a direction: {@code dot(p_i, dir)}.
     *
     * @param positions centres, 3 per splat (not null, unaffected)
     * @param n splats
     * @param dx direction x
     * @param dy direction y
     * @param dz direction z
     * @param out receives n depths (not null, modified)
     */
    static void computeDepths(float[] positions, int n, float dx, float dy, float dz, float[] out) {
        for (int i = 0, j = 0; i < n; i++, j += 3) {
            out[i] = positions[j] * dx + positions[j + 1] * dy + positions[j + 2] * dz;
        }
    }
}
