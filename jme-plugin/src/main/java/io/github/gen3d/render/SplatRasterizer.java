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
 * <li>{@link #render}: splats are projected in parallel chunks, sorted once by (depth, splat index), copied in that
 * order, binned into square tiles whose lists therefore stay front to back (primitive arrays only, no per-splat
 * objects), and the tiles are rasterised in parallel. The result does not depend on the thread count or tile size.
 * When the (tile, splat) pairs would exceed a memory bound (32M pairs, 128 MB) the depth order is drawn in
 * consecutive batches with the per-pixel state carried over, which gives the same result.</li>
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
    /** Splats per projection / gather work item. */
    private static final int CHUNK = 4096;
    /** Most (tile, splat) pairs held at once; more are drawn in depth-ordered batches. 32M pairs = 128 MB. */
    static final long DEFAULT_MAX_PAIRS = 1L << 25;
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
        int threads = o.threads();
        int ts = o.tileSize();
        int tilesX = (w + ts - 1) / ts, tilesY = (h + ts - 1) / ts;
        int tiles = tilesX * tilesY;

        // 1. project in parallel chunks
        SplatProjector projector = new SplatProjector(cloud, world, cam);
        ProjectedSplats projected = new ProjectedSplats(n);
        int chunks = (n + CHUNK - 1) / CHUNK;
        Parallel.forEach(threads, chunks, c -> projector.project(c * CHUNK, Math.min(n, (c + 1) * CHUNK), projected));

        // 2. global front-to-back order: sort (depth, index) keys of the drawn splats
        int visible = 0;
        for (int i = 0; i < n; i++) {
            if (projected.visible(i)) {
                visible++;
            }
        }
        if (visible == 0) {
            return RenderResult.empty(w, h);
        }
        long[] keys = new long[visible];
        for (int i = 0, k = 0; i < n; i++) {
            if (projected.visible(i)) {
                keys[k++] = key(projected, i);
            }
        }
        Arrays.sort(keys);

        // 3. a depth-ordered copy, so that every tile reads its splats front to back and in memory order
        int m = visible;
        ProjectedSplats sorted = new ProjectedSplats(m);
        int sortedChunks = (m + CHUNK - 1) / CHUNK;
        long[] pairsPerChunk = new long[sortedChunks];
        Parallel.forEach(threads, sortedChunks, c -> {
            int from = c * CHUNK, to = Math.min(m, from + CHUNK);
            projected.gather(keys, from, to, sorted);
            long pairs = 0;
            for (int k = from; k < to; k++) {
                sorted.tightenToCut(k);
                pairs += tileCount(sorted, k, ts);
            }
            pairsPerChunk[c] = pairs;
        });
        long totalPairs = 0;
        for (long p : pairsPerChunk) {
            totalPairs += p;
        }

        // 4. bin into tiles and draw; when there are too many (tile, splat) pairs to hold at once, draw consecutive
        // runs of the depth order, carrying the per-pixel state over (each pixel still sees the same sequence)
        long budget = Math.min(Integer.MAX_VALUE - 8, Math.max(maxPairs, tiles));
        PixelState state = new PixelState(w, h);
        int batches = 0;
        for (int from = 0; from < m; batches++) {
            int to = from;
            long pairs = 0;
            if (totalPairs <= budget) {
                to = m;
                pairs = totalPairs;
            } else {
                while (to < m && pairs + tileCount(sorted, to, ts) <= budget) {
                    pairs += tileCount(sorted, to, ts);
                    to++;
                }
            }
            rasterBatch(sorted, from, to, (int) pairs, state, o, tilesX, tilesY);
            from = to;
        }
        RenderResult result = state.finish();
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine(String.format("rendered %d of %d splats (%d tile pairs, %d batches) at %dx%d in %.1f ms, "
                    + "%d threads", visible, n, totalPairs, batches, w, h, (System.nanoTime() - start) / 1e6,
                    threads));
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
        ProjectedSplats ps = new ProjectedSplats(cloud.size());
        new SplatProjector(cloud, world, cam).project(0, cloud.size(), ps);
        Integer[] order = new Integer[cloud.size()];
        int k = 0;
        for (int i = 0; i < cloud.size(); i++) {
            if (ps.visible(i)) {
                order[k++] = i;
            }
        }
        Integer[] drawn = Arrays.copyOf(order, k);
        Arrays.sort(drawn, Comparator.<Integer>comparingDouble(i -> ps.depth(i)).thenComparingInt(i -> i));
        PixelState state = new PixelState(cam.width(), cam.height());
        int w = cam.width();
        float[] d = ps.data;
        for (int s : drawn) {
            int o = ProjectedSplats.STRIDE * s;
            for (int y = ps.rect[4 * s + 2]; y <= ps.rect[4 * s + 3]; y++) {
                for (int x = ps.rect[4 * s]; x <= ps.rect[4 * s + 1]; x++) {
                    int p = y * w + x;
                    if (earlyStop && state.t[p] < PixelState.EARLY_STOP_T) {
                        continue;
                    }
                    float al = ProjectedSplats.alpha((x + 0.5f) - d[o + ProjectedSplats.U],
                            (y + 0.5f) - d[o + ProjectedSplats.V], d[o + ProjectedSplats.CA],
                            d[o + ProjectedSplats.CB], d[o + ProjectedSplats.CC], d[o + ProjectedSplats.OPACITY]);
                    if (al > 0f) {
                        state.composite(p, al, d[o + ProjectedSplats.R], d[o + ProjectedSplats.G],
                                d[o + ProjectedSplats.B], d[o + ProjectedSplats.DEPTH]);
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
        int[] rc = ps.rect;
        if (rc[4 * i] > rc[4 * i + 1]) {
            return 0;
        }
        return (rc[4 * i + 1] / ts - rc[4 * i] / ts + 1) * (rc[4 * i + 3] / ts - rc[4 * i + 2] / ts + 1);
    }

    /** Sort key: depth bits (positive floats order like ints) above the splat index. */
    /** Depth-order sort key of splat {@code s}: its depth's bits above its index (depths are positive). */
    static long key(ProjectedSplats ps, int s) {
        return ((long) Float.floatToRawIntBits(ps.depth(s)) << 32) | s;
    }

    /**
     * Bins the depth-ordered splats {@code from..to-1} into tiles (each tile's list comes out in depth order) and
     * rasterises the tiles in parallel into {@code state}.
     */
    private static void rasterBatch(ProjectedSplats sp, int from, int to, int pairs, PixelState state,
            RenderOptions o, int tilesX, int tilesY) {
        int ts = o.tileSize();
        int tiles = tilesX * tilesY;
        int len = to - from;
        int threads = o.threads();
        int[] rect = sp.rect;
        // counting chunks: a few per thread, bounded so that the counters stay small
        int chunks = threads == 1 ? 1 : (int) Math.max(1, Math.min(Math.min(4L * threads, (len + 2047) / 2048),
                MAX_COUNTERS / tiles));
        int chunkLen = (len + chunks - 1) / chunks;
        int[] counts = new int[chunks * tiles];
        Parallel.forEach(threads, chunks, c -> {
            int a = from + c * chunkLen, b = Math.min(to, a + chunkLen);
            int base = c * tiles;
            for (int k = a; k < b; k++) {
                if (rect[4 * k] > rect[4 * k + 1]) {
                    continue;
                }
                int tx0 = rect[4 * k] / ts, tx1 = rect[4 * k + 1] / ts;
                int ty0 = rect[4 * k + 2] / ts, ty1 = rect[4 * k + 3] / ts;
                for (int ty = ty0; ty <= ty1; ty++) {
                    for (int tx = tx0; tx <= tx1; tx++) {
                        counts[base + ty * tilesX + tx]++;
                    }
                }
            }
        });
        // prefix sums: tile t's list is lists[tileStart[t] .. tileStart[t+1]); chunk c writes its part after the
        // parts of chunks before it, so every list stays in depth order
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
        int[] lists = new int[pairs];
        Parallel.forEach(threads, chunks, c -> {
            int a = from + c * chunkLen, b = Math.min(to, a + chunkLen);
            int base = c * tiles;
            for (int k = a; k < b; k++) {
                if (rect[4 * k] > rect[4 * k + 1]) {
                    continue;
                }
                int tx0 = rect[4 * k] / ts, tx1 = rect[4 * k + 1] / ts;
                int ty0 = rect[4 * k + 2] / ts, ty1 = rect[4 * k + 3] / ts;
                for (int ty = ty0; ty <= ty1; ty++) {
                    for (int tx = tx0; tx <= tx1; tx++) {
                        lists[counts[base + ty * tilesX + tx]++] = k;
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
            int tx = t % tilesX, ty = t / tilesX;
            rasterTile(sp, lists, a, b, state, tx * ts, Math.min(state.width, (tx + 1) * ts) - 1, ty * ts,
                    Math.min(state.height, (ty + 1) * ts) - 1, earlyStop);
        });
    }

    /**
     * Draws the splats {@code lists[a..b)} (positions in {@code ps}, front to back) into the pixels
     * {@code [px0, px1] × [py0, py1]}, working on a tile-sized copy of their state.
     */
    private static void rasterTile(ProjectedSplats ps, int[] lists, int a, int b, PixelState st, int px0, int px1,
            int py0, int py1, boolean earlyStop) {
        int tw = px1 - px0 + 1, th = py1 - py0 + 1;
        PixelState loc = new PixelState(tw, th);
        loc.copyFrom(st, px0, py0);
        float[] t = loc.t;
        float[] d = ps.data;
        int[] rect = ps.rect;
        // pixels still open: T > 0 (compositing at T = 0 changes nothing), and T ≥ 1e-4 with early stop
        float stopBelow = earlyStop ? PixelState.EARLY_STOP_T : Float.MIN_VALUE;
        int live = 0;
        for (int p = 0; p < tw * th; p++) {
            if (!(t[p] < stopBelow)) {
                live++;
            }
        }
        for (int e = a; e < b && live > 0; e++) {
            int s = lists[e];
            int x0 = Math.max(px0, rect[4 * s]) - px0, x1 = Math.min(px1, rect[4 * s + 1]) - px0;
            int y0 = Math.max(py0, rect[4 * s + 2]) - py0, y1 = Math.min(py1, rect[4 * s + 3]) - py0;
            int o = ProjectedSplats.STRIDE * s;
            // pixel centres relative to the splat centre: (px0 + lx + 0.5) − u
            float u = d[o + ProjectedSplats.U], v = d[o + ProjectedSplats.V];
            float ca = d[o + ProjectedSplats.CA], cb = d[o + ProjectedSplats.CB], cc = d[o + ProjectedSplats.CC];
            float op = d[o + ProjectedSplats.OPACITY];
            float r = d[o + ProjectedSplats.R], g = d[o + ProjectedSplats.G], bl = d[o + ProjectedSplats.B];
            float z = d[o + ProjectedSplats.DEPTH];
            // pixels with power below this cannot reach alpha 1/255 (the exact test in alpha() decides the rest)
            float cut = (float) (-0.5 * ProjectedSplats.cullBound(op));
            if (x0 > x1 || y0 > y1) {
                continue;
            }
            // one flat loop over the clipped rectangle: the rows are short, and a loop nest per splat costs more
            // than the pixels in it with the JIT's loop strip mining
            int nx = x1 - x0 + 1, cnt = nx * (y1 - y0 + 1);
            int lx = x0, ly = y0, row = y0 * tw;
            float dy = ((py0 + ly) + 0.5f) - v;
            for (int k = 0; k < cnt; k++) {
                int p = row + lx;
                if (!(t[p] < stopBelow)) {
                    float dx = ((px0 + lx) + 0.5f) - u;
                    if (ProjectedSplats.power(dx, dy, ca, cb, cc) >= cut) {
                        float al = ProjectedSplats.alpha(dx, dy, ca, cb, cc, op);
                        if (al > 0f && loc.composite(p, al, r, g, bl, z) < stopBelow) {
                            live--;
                        }
                    }
                }
                if (++lx > x1) {
                    lx = x0;
                    ly++;
                    row += tw;
                    dy = ((py0 + ly) + 0.5f) - v;
                }
            }
        }
        loc.copyTo(st, px0, py0);
    }
}
