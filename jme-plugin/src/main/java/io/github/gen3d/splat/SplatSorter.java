package io.github.gen3d.splat;

import com.jme3.util.BufferUtils;
import java.nio.IntBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a back-to-front splat order for one cloud, or for the concatenated clouds of a {@link SplatGroup}, up to
 * date on a background thread.
 *
 * <h2>Depth</h2>
 * The depth of splat {@code i} is {@code dot(p_i − cam, dir)} in the cloud frame (the camera's view axis, as
 * {@code c.z} in {@code docs/rendering.md}, divided by the node's uniform scale). The camera position only adds
 * the same constant to every depth, so the order depends on the view <b>direction</b> alone: a new sort is
 * requested when the direction in the cloud frame turned by more than {@link #DEFAULT_TURN_DEGREES} since the
 * last request, never for a pure move.
 *
 * <h2>Several members (a {@link SplatGroup})</h2>
 * The positions may be the concatenation of several clouds ("members": member {@code m} holds splats
 * {@code starts[m] .. starts[m+1]-1}, each in its own cloud frame). The render thread then passes one plane per
 * member with {@link #request(float[])}: {@code (a, b, c, w)} such that the member's splat depth is
 * {@code a·x + b·y + c·z + w} ({@code (a, b, c) = M3ᵀ·dir} and {@code w = dot(t, dir)} for the member's world
 * matrix {@code M = [M3 | t]} and the world view direction {@code dir}), i.e. the world-space view depth less the
 * same constant for every splat. All splats are then sorted together into one order. Deciding when to request is
 * the caller's business in that case; {@link #update} is the one-member shortcut with its own turn test.
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
 * <p>The request (4 floats per member) is copied under a small monitor (held for a copy, never during a sort). The worker
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
    /** Member m holds splats starts[m] .. starts[m+1]-1 (one member for a plain node). */
    private final int[] starts;
    private final int members;
    private final String name;
    private final IntBuffer[] slots = new IntBuffer[3];
    private final AtomicInteger ready = new AtomicInteger(1);
    private final AtomicLong sortsDone = new AtomicLong();
    private final float cosTurn;

    // sorter-owned (the worker, or the first caller before any worker exists)
    private final DepthSort sort;
    private final float[] depths;
    private final int[] order;
    /** The planes of the request being sorted (4 per member). */
    private final float[] workPlanes;
    private int back = 2;

    // render-thread-owned
    private int front = 0;
    private long swaps;
    private boolean requestedOnce;
    private float lastX, lastY, lastZ;

    // guarded by lock
    private final Object lock = new Object();
    /** The newest requested planes (4 per member). */
    private final float[] reqPlanes;
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
        this(positions, new int[] {0, n}, name);
    }

    /**
     * A sorter for several concatenated clouds (see the class doc); preallocates as the one-cloud constructor.
     *
     * @param positions splat centres, 3 per splat, each member's in its own cloud frame (not null; read by the
     *     worker, must not change afterwards)
     * @param starts member boundaries: {@code starts[0] = 0}, non-decreasing, the last one is the splat count; at
     *     least one member (not null, kept: must not change afterwards)
     * @param name used in the worker thread's name (not null)
     */
    SplatSorter(float[] positions, int[] starts, String name) {
        if (starts.length < 2 || starts[0] != 0) {
            throw new IllegalArgumentException("starts must begin with 0 and name at least one member");
        }
        for (int m = 1; m < starts.length; m++) {
            if (starts[m] < starts[m - 1]) {
                throw new IllegalArgumentException("starts must not decrease: " + starts[m - 1] + ", " + starts[m]);
            }
        }
        int n = starts[starts.length - 1];
        if (positions.length < 3L * n) {
            throw new IllegalArgumentException("positions hold fewer than " + n + " splats");
        }
        this.positions = positions;
        this.n = n;
        this.starts = starts;
        this.members = starts.length - 1;
        this.reqPlanes = new float[4 * members];
        this.workPlanes = new float[4 * members];
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

    /** @return the number of members (1 for a plain node) */
    int members() {
        return members;
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
        if (members != 1) {
            throw new IllegalStateException("update(dx, dy, dz) is for one member; this sorter has " + members);
        }
        if (!(Float.isFinite(dx) && Float.isFinite(dy) && Float.isFinite(dz))) {
            return false;
        }
        if (requestedOnce && lastX * dx + lastY * dy + lastZ * dz >= cosTurn) {
            return false;
        }
        lastX = dx;
        lastY = dy;
        lastZ = dz;
        synchronized (lock) {
            reqPlanes[0] = dx;
            reqPlanes[1] = dy;
            reqPlanes[2] = dz;
            reqPlanes[3] = 0f;
            submitLocked();
        }
        return true;
    }

    /**
     * Render thread: asks for a new order along the given per-member planes (see the class doc). The very first
     * request sorts on the calling thread. Allocates nothing (except when it has to start a worker thread).
     *
     * @param planes 4 floats per member {@code (a, b, c, w)} (not null, unaffected, length &ge; 4·members)
     * @return true if the request was taken (false, and nothing requested, when a value is not finite)
     */
    boolean request(float[] planes) {
        int len = 4 * members;
        for (int k = 0; k < len; k++) {
            if (!Float.isFinite(planes[k])) {
                return false;
            }
        }
        synchronized (lock) {
            System.arraycopy(planes, 0, reqPlanes, 0, len);
            submitLocked();
        }
        return true;
    }

    /**
     * Holding the lock, with {@link #reqPlanes} filled: sorts at once if this is the first request and no worker
     * exists, otherwise wakes or starts the worker.
     */
    private void submitLocked() {
        if (!requestedOnce) {
            requestedOnce = true;
            if (worker == null) {
                // no worker yet: this thread is the only sorter, so it may use the sorter-owned state
                System.arraycopy(reqPlanes, 0, workPlanes, 0, workPlanes.length);
                sortAndPublish();
                return;
            }
        }
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
                    System.arraycopy(reqPlanes, 0, workPlanes, 0, workPlanes.length);
                    takenSeq = reqSeq;
                }
                sortAndPublish();
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

    /** Computes depths along {@link #workPlanes}, sorts, fills the back slot and publishes it. Sorter-owned state only. */
    private void sortAndPublish() {
        computeDepths(positions, starts, workPlanes, depths);
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

    /**
     * Depth of each centre of several concatenated members: {@code a·x + b·y + c·z + w} with member {@code m}'s
     * plane {@code planes[4m .. 4m+3]}. A member with {@code w = 0} gets exactly
     * {@link #computeDepths(float[], int, float, float, float, float[])}'s values.
     *
     * @param positions centres, 3 per splat (not null, unaffected)
     * @param starts member boundaries (not null, unaffected; see the constructor)
     * @param planes 4 floats per member (not null, unaffected)
     * @param out receives one depth per splat (not null, modified)
     */
    static void computeDepths(float[] positions, int[] starts, float[] planes, float[] out) {
        for (int m = 0; m + 1 < starts.length; m++) {
            float a = planes[4 * m], b = planes[4 * m + 1], c = planes[4 * m + 2], w = planes[4 * m + 3];
            int end = starts[m + 1];
            if (w == 0f) {
                for (int i = starts[m], j = 3 * i; i < end; i++, j += 3) {
                    out[i] = positions[j] * a + positions[j + 1] * b + positions[j + 2] * c;
                }
            } else {
                for (int i = starts[m], j = 3 * i; i < end; i++, j += 3) {
                    out[i] = positions[j] * a + positions[j + 1] * b + positions[j + 2] * c + w;
                }
            }
        }
    }
}
