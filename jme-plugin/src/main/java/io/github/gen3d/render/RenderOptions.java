package io.github.gen3d.render;

/**
 * Options for {@link SplatRasterizer}. None of them changes the picture except {@code earlyStop}; the background is
 * not an option because the rasterizer's output is premultiplied over transparent black, and compositing over a colour
 * happens when an image is made ({@link RenderResult#toImage}).
 *
 * <p>Immutable; use {@link #defaults()} and the {@code with…} methods.
 *
 * @param earlyStop stop compositing a pixel once its transmittance falls below 1e-4 (faster; the result then differs
 *     slightly from the GPU renderer, which never stops). Off by default.
 * @param threads worker threads for the fast path, 1..1024 (1 = run on the calling thread). Results do not depend on
 *     it.
 * @param tileSize tile edge in pixels for the fast path, 1..256 (default 16). Results do not depend on it.
 */
public record RenderOptions(boolean earlyStop, int threads, int tileSize) {
    /** Largest accepted thread count. */
    public static final int MAX_THREADS = 1024;
    /** Largest accepted tile edge. */
    public static final int MAX_TILE_SIZE = 256;

    /**
     * Checks the values.
     *
     * @param earlyStop stop compositing a pixel at T &lt; 1e-4
     * @param threads worker threads, 1..1024
     * @param tileSize tile edge in pixels, 1..256
     * @throws IllegalArgumentException if {@code threads} or {@code tileSize} is out of range
     */
    public RenderOptions {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in 1.." + MAX_THREADS + ", got " + threads);
        }
        if (tileSize < 1 || tileSize > MAX_TILE_SIZE) {
            throw new IllegalArgumentException("tileSize must be in 1.." + MAX_TILE_SIZE + ", got " + tileSize);
        }
    }

    /** @return no early stop, {@code Runtime.availableProcessors()} threads, 16-pixel tiles */
    public static RenderOptions defaults() {
        return new RenderOptions(false, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()), 16);
    }

    /**
     * @param on whether to stop compositing a pixel at T &lt; 1e-4
     * @return a copy with that setting
     */
    public RenderOptions withEarlyStop(boolean on) {
        return new RenderOptions(on, threads, tileSize);
    }

    /**
     * @param n worker threads, 1..1024
     * @return a copy with that setting
     */
    public RenderOptions withThreads(int n) {
        return new RenderOptions(earlyStop, n, tileSize);
    }

    /**
     * @param size tile edge in pixels, 1..256
     * @return a copy with that setting
     */
    public RenderOptions withTileSize(int size) {
        return new RenderOptions(earlyStop, threads, size);
    }
}
