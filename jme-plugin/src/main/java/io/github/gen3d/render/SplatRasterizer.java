package io.github.gen3d.render;

import com.jme3.math.Transform;
import io.github.gen3d.splat.GaussianCloud;
import java.util.Arrays;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The CPU reference splat rasterizer: EWA-projected 3D Gaussians with spherical-harmonic colour, composited front to
 * back, exactly as {@code docs/rendering.md} describes. It is the oracle for the GPU renderer, the renderer used while
 * sampling, and the depth source for mesh extraction.
 *
 * <p>Two paths give the same result (to float rounding; in practice bit for bit):
 * <ul>
 * <li>{@link #render}: splats are projected in parallel chunks, binned into square tiles (primitive arrays only),
 * each tile's list is sorted by (depth, splat index), and tiles are rasterised in parallel. The result does not
 * depend on the thread count or tile size.</li>
 * <li>{@link #renderReference}: one thread; every splat in global (depth, index) order is drawn into every pixel of
 * its square. Slow and plain, for tests.</li>
 * </ul>
 *
 * <p>Usage:
 * <pre>{@code
 * PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 2.5f, 30, 15, 45, 256, 256);
 * RenderResult img = new SplatRasterizer().render(cloud, null, cam, RenderOptions.defaults());
 * img.writePng(Path.of("view.png"), ColorRGBA.White);
 * }</pre>
 *
 * <p>Splats with a non-finite position, zero or non-finite rotation, non-finite scale, opacity or colour, or whose
 * centre is closer than the camera's near plane, are skipped. The cloud is only read, so several renders of one cloud
 * may run at once. Instances hold no state and are thread-safe.
 */
public final class SplatRasterizer {
    private static final Logger LOG = Logger.getLogger(SplatRasterizer.class.getName());
    /** Splats per projection work item. */
    private static final int PROJECT_CHUNK = 4096;
    /** Most (tile, splat) pairs held at once; more are drawn in depth-ordered batches. 16M pairs = 128 MB. */
    static final long DEFAULT_MAX_PAIRS = 1L << 24;
    /** Upper bound for the per-(chunk, tile) counters, in ints. */
    private static final long MAX_COUNTERS = 1L << 22;

    /** Creates a rasterizer. */
    public SplatRasterizer() {
    }

    /**
     * Renders a cloud with the fast tiled path.
     *
     * @param cloud the splats (not null, unaffected)
     * @param worldTransform cloud → world transform with uniform scale (null → identity; unaffected)
     * @param cam the camera (not null)
     * @param opts options (null → {@link RenderOptions#defaults()})
     * @return a new result of the camera's size
     * @throws IllegalArgumentException if the transform's scale is not uniform and positive
     */
    public RenderResult render(GaussianCloud cloud, Transform worldTransform, PinholeCamera cam, RenderOptions opts) {
        return render(cloud, worldTransform, cam, opts, DEFAULT_MAX_PAIRS);
    }

    /**
     * The fast path with an explicit memory bound (tests use a small one to exercise batching).
     *
     * @param maxPairs the most (tile, splat) pairs held at once; raised to the tile count if smaller
     */
    RenderResult render(GaussianCloud cloud, Transform worldTransform, PinholeCamera cam, RenderOptions opts,
            long maxPairs) {
        check(cloud, cam);
        RenderOptions o = opts == null ? RenderOptions.defaults() : opts;
        Transforms.WorldTransform world = Transforms.WorldTransform.of(worldTransform);
        long start = System.nanoTime();
        int n = cloud.size();
        int w = cam.width(), h = cam.height();
        if (n == 0) {
            return RenderResult.empty(w, h);
        }
        int threads = o.threads();
        int ts = o.tileSize();
        int tilesX = (w + ts - 1) / ts, tilesY = (h + ts - 1) / ts;
        int tiles = tilesX * tilesY;

        // 1. project in parallel chunks, counting (tile, splat) pairs per chunk
        ProjectedSplats ps = new ProjectedSplats(cloud, world, cam);
        int chunks = (n + PROJECT_CHUNK - 1) / PROJECT_CHUNK;
        long[] pairsPerChunk = new long[chunks];
        Parallel.forEach(threads, chunks, c -> {
            int from = c * PROJECT_CHUNK, to = Math.min(n, from + PROJECT_CHUNK);
            ps.project(from, to);
            long pairs = 0;
            for (int i = from; i < to; i++) {
                if (ps.visible(i)) {
                    pairs += tileCount(ps, i, ts);
                }
            }
            pairsPerChunk[c] = pairs;
        });
        int visible = 0;
        long totalPairs = 0;
        for (int i = 0; i < n; i++) {
            if (ps.visible(i)) {
                visible++;
            }
        }
        for (long p : pairsPerChunk) {
            totalPairs += p;
        }
        if (visible == 0) {
            return RenderResult.empty(w, h);
        }
        int[] order = new int[visible];
        for (int i = 0, k = 0; i < n; i++) {
            if (ps.visible(i)) {
                order[k++] = i;
            }
        }
        long budget = Math.min(Integer.MAX_VALUE - 8, Math.max(maxPairs, tiles));
        PixelState state = new PixelState(w, h);
        if (totalPairs <= budget) {
            rasterBatch(ps, order, 0, visible, (int) totalPairs, state, o, tilesX, tilesY);
        } else {
            // too many pairs to hold at once: draw consecutive runs of the global depth order, carrying the
            // per-pixel state from one batch to the next (each pixel still sees the splats in the same order)
            sortByDepth(ps, order);
            int from = 0;
            while (from < visible) {
                long pairs = 0;
                int to = from;
                while (to < visible) {
                    long p = tileCount(ps, order[to], ts);
                    if (pairs + p > budget) {
                        break;
                    }
                    pairs += p;
                    to++;
                }
                rasterBatch(ps, order, from, to, (int) pairs, state, o, tilesX, tilesY);
                from = to;
            }
            LOG.log(Level.FINE, "drew {0} pairs in batches of at most {1}", new Object[] {totalPairs, budget});
        }
        RenderResult result = state.finish();
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine(String.format("rendered %d of %d splats (%d tile pairs) at %dx%d in %.1f ms, %d threads", visible,
                    n, totalPairs, w, h, (System.nanoTime() - start) / 1e6, threads));
        }
        return result;
    }

    /**
     * Renders a cloud with the plain reference path: one thread, every splat in global front-to-back order
     * (depth, then index) drawn into every pixel of its square.
     *
     * @param cloud the splats (not null, unaffected)
     * @param worldTransform cloud → world transform with uniform scale (null → identity; unaffected)
     * @param cam the camera (not null)
     * @param opts options; only {@code earlyStop} matters here (null → defaults)
     * @return a new result of the camera's size
     * @throws IllegalArgumentException if the transform's scale is not uniform and positive
     */
    public RenderResult renderReference(GaussianCloud cloud, Transform worldTransform, PinholeCamera cam,
            RenderOptions opts) {
        check(cloud, cam);
        boolean earlyStop = opts != null && opts.earlyStop();
        Transforms.WorldTransform world = Transforms.WorldTransform.of(worldTransform);
        ProjectedSplats ps = new ProjectedSplats(cloud, world, cam);
        ps.project(0, cloud.size());
        Integer[] order = new Integer[cloud.size()];
        int k = 0;
        for (int i = 0; i < cloud.size(); i++) {
            if (ps.visible(i)) {
                order[k++] = i;
            }
        }
        Integer[] drawn = Arrays.copyOf(order, k);
        Arrays.sort(drawn, Comparator.<Integer>comparingDouble(i -> ps.depth[i]).thenComparingInt(i -> i));
        PixelState state = new PixelState(cam.width(), cam.height());
        int w = cam.width();
        for (int s : drawn) {
            for (int y = ps.y0[s]; y <= ps.y1[s]; y++) {
                for (int x = ps.x0[s]; x <= ps.x1[s]; x++) {
                    int p = y * w + x;
                    if (earlyStop && state.t[p] < PixelState.EARLY_STOP_T) {
                        continue;
                    }
                    float al = ProjectedSplats.alpha((x + 0.5f) - ps.u[s], (y + 0.5f) - ps.v[s], ps.conA[s],
                            ps.conB[s], ps.conC[s], ps.opacity[s]);
                    if (al > 0f) {
                        state.composite(p, al, ps.rgb[3 * s], ps.rgb[3 * s + 1], ps.rgb[3 * s + 2], ps.depth[s]);
                    }
                }
            }
        }
        return state.finish();
    }

    private static void check(GaussianCloud cloud, PinholeCamera cam) {
        if (cloud == null || cam == null) {
            throw new IllegalArgumentException("cloud and camera must not be null");
        }
    }

    private static int tileCount(ProjectedSplats ps, int i, int ts) {
        return (ps.x1[i] / ts - ps.x0[i] / ts + 1) * (ps.y1[i] / ts - ps.y0[i] / ts + 1);
    }

    /** Sort key: depth bits (positive floats order like ints) above the splat index. */
    private static long key(ProjectedSplats ps, int s) {
        return ((long) Float.floatToRawIntBits(ps.depth[s]) << 32) | s;
    }

    private static void sortByDepth(ProjectedSplats ps, int[] order) {
        long[] keys = new long[order.length];
        for (int k = 0; k < order.length; k++) {
            keys[k] = key(ps, order[k]);
        }
        Arrays.sort(keys);
        for (int k = 0; k < order.length; k++) {
            order[k] = (int) keys[k];
        }
    }

    /**
     * Bins {@code order[from..to)} into tiles, sorts each tile's list by key and rasterises the tiles in parallel
     * into {@code state}.
     */
    private static void rasterBatch(ProjectedSplats ps, int[] order, int from, int to, int pairs, PixelState state,
            RenderOptions o, int tilesX, int tilesY) {
        int ts = o.tileSize();
        int tiles = tilesX * tilesY;
        int len = to - from;
        int threads = o.threads();
        // counting chunks: a few per thread, bounded so that the counters stay small
        int chunks = threads == 1 ? 1 : (int) Math.max(1, Math.min(Math.min(4L * threads, (len + 2047) / 2048),
                MAX_COUNTERS / tiles));
        int chunkLen = (len + chunks - 1) / chunks;
        int[] counts = new int[chunks * tiles];
        Parallel.forEach(threads, chunks, c -> {
            int a = from + c * chunkLen, b = Math.min(to, a + chunkLen);
            int base = c * tiles;
            for (int k = a; k < b; k++) {
                int s = order[k];
                int tx0 = ps.x0[s] / ts, tx1 = ps.x1[s] / ts, ty0 = ps.y0[s] / ts, ty1 = ps.y1[s] / ts;
                for (int ty = ty0; ty <= ty1; ty++) {
                    for (int tx = tx0; tx <= tx1; tx++) {
                        counts[base + ty * tilesX + tx]++;
                    }
                }
            }
        });
        // prefix sums: tile t's list is keys[tileStart[t] .. tileStart[t+1]); chunk c writes its part in order
        int[] tileStart = new int[tiles + 1];
        int run = 0;
        for (int t = 0; t < tiles; t++) {
            tileStart[t] = run;
            for (int c = 0; c < chunks; c++) {
                int cnt = counts[c * tiles + t];
                counts[c * tiles + t] = run;
                run += cnt;
            }
        }
        tileStart[tiles] = run;
        if (run != pairs) {
            throw new IllegalStateException("tile pair count mismatch: " + run + " != " + pairs);
        }
        long[] keys = new long[pairs];
        Parallel.forEach(threads, chunks, c -> {
            int a = from + c * chunkLen, b = Math.min(to, a + chunkLen);
            int base = c * tiles;
            for (int k = a; k < b; k++) {
                int s = order[k];
                long key = key(ps, s);
                int tx0 = ps.x0[s] / ts, tx1 = ps.x1[s] / ts, ty0 = ps.y0[s] / ts, ty1 = ps.y1[s] / ts;
                for (int ty = ty0; ty <= ty1; ty++) {
                    for (int tx = tx0; tx <= tx1; tx++) {
                        keys[counts[base + ty * tilesX + tx]++] = key;
                    }
                }
            }
        });
        boolean earlyStop = o.earlyStop();
        Parallel.forEach(threads, tiles, t -> {
            int a = tileStart[t], b = tileStart[t + 1];
            if (a == b) {
                return;
            }
            Arrays.sort(keys, a, b);
            int tx = t % tilesX, ty = t / tilesX;
            rasterTile(ps, keys, a, b, state, tx * ts, Math.min(state.width, (tx + 1) * ts) - 1, ty * ts,
                    Math.min(state.height, (ty + 1) * ts) - 1, earlyStop);
        });
    }

    /** Draws the sorted splats {@code keys[a..b)} into the pixels {@code [px0, px1] × [py0, py1]}. */
    private static void rasterTile(ProjectedSplats ps, long[] keys, int a, int b, PixelState st, int px0, int px1,
            int py0, int py1, boolean earlyStop) {
        int w = st.width;
        float[] t = st.t;
        int live = 0;
        if (earlyStop) {
            for (int y = py0; y <= py1; y++) {
                for (int x = px0; x <= px1; x++) {
                    if (!(t[y * w + x] < PixelState.EARLY_STOP_T)) {
                        live++;
                    }
                }
            }
            if (live == 0) {
                return;
            }
        }
        for (int e = a; e < b; e++) {
            int s = (int) keys[e];
            int x0 = Math.max(px0, ps.x0[s]), x1 = Math.min(px1, ps.x1[s]);
            int y0 = Math.max(py0, ps.y0[s]), y1 = Math.min(py1, ps.y1[s]);
            float u = ps.u[s], v = ps.v[s], ca = ps.conA[s], cb = ps.conB[s], cc = ps.conC[s], op = ps.opacity[s];
            float r = ps.rgb[3 * s], g = ps.rgb[3 * s + 1], bl = ps.rgb[3 * s + 2], z = ps.depth[s];
            for (int y = y0; y <= y1; y++) {
                float dy = (y + 0.5f) - v;
                int row = y * w;
                for (int x = x0; x <= x1; x++) {
                    int p = row + x;
                    if (earlyStop && t[p] < PixelState.EARLY_STOP_T) {
                        continue;
                    }
                    float al = ProjectedSplats.alpha((x + 0.5f) - u, dy, ca, cb, cc, op);
                    if (al > 0f) {
                        float tn = st.composite(p, al, r, g, bl, z);
                        if (earlyStop && tn < PixelState.EARLY_STOP_T && --live == 0) {
                            return;
                        }
                    }
                }
            }
        }
    }
}
