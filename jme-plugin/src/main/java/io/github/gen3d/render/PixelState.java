package io.github.gen3d.render;

import java.util.Arrays;

/**
 * Per-pixel compositing state for a W×H image (struct of arrays), and the single definition of the front-to-back
 * compositing step both rasterizer paths use, so that they do the same float arithmetic in the same order.
 */
final class PixelState {
    /** Transmittance below which a pixel counts as finished when early stopping is on. */
    static final float EARLY_STOP_T = 1e-4f;
    static final float FLUSH_T = 1e-30f;

    final int width;
    final int height;
    final float[] r;
    final float[] g;
    final float[] b;
    /** Transmittance T, starting at 1. */
    final float[] t;
    /** Σ T α z. */
    final float[] depthSum;
    /** Σ T α. */
    final float[] weightSum;
    /** z of the splat at which T first fell to 0.5 or below; 0 until then. */
    final float[] median;

    PixelState(int width, int height) {
        this.width = width;
        this.height = height;
        int n = width * height;
        r = new float[n];
        g = new float[n];
        b = new float[n];
        t = new float[n];
        Arrays.fill(t, 1f);
        depthSum = new float[n];
        weightSum = new float[n];
        median = new float[n];
    }

    /**
     * Copies the state of a {@code width × height} window of a larger state, starting at {@code (x0, y0)}, into
     * this one.
     *
     * @param src the larger state (not null, unaffected)
     * @param x0 window left
     * @param y0 window top
     */
    void copyFrom(PixelState src, int x0, int y0) {
        for (int y = 0; y < height; y++) {
            int from = (y0 + y) * src.width + x0, to = y * width;
            System.arraycopy(src.r, from, r, to, width);
            System.arraycopy(src.g, from, g, to, width);
            System.arraycopy(src.b, from, b, to, width);
            System.arraycopy(src.t, from, t, to, width);
            System.arraycopy(src.depthSum, from, depthSum, to, width);
            System.arraycopy(src.weightSum, from, weightSum, to, width);
            System.arraycopy(src.median, from, median, to, width);
        }
    }

    /**
     * Writes this state back into a {@code width × height} window of a larger state at {@code (x0, y0)}.
     *
     * @param dst the larger state (not null, modified)
     * @param x0 window left
     * @param y0 window top
     */
    void copyTo(PixelState dst, int x0, int y0) {
        for (int y = 0; y < height; y++) {
            int from = y * width, to = (y0 + y) * dst.width + x0;
            System.arraycopy(r, from, dst.r, to, width);
            System.arraycopy(g, from, dst.g, to, width);
            System.arraycopy(b, from, dst.b, to, width);
            System.arraycopy(t, from, dst.t, to, width);
            System.arraycopy(depthSum, from, dst.depthSum, to, width);
            System.arraycopy(weightSum, from, dst.weightSum, to, width);
            System.arraycopy(median, from, dst.median, to, width);
        }
    }

    /**
     * Composites one splat behind everything already composited at pixel {@code p}:
     * {@code C += T α rgb}, {@code T *= (1 − α)}, plus the depth sums and the median depth.
     *
     * @param p pixel index {@code y·width + x}
     * @param alpha the splat's alpha at this pixel (from {@link ProjectedSplats#alpha})
     * @param cr red
     * @param cg green
     * @param cb blue
     * @param z depth
     * @return the new transmittance
     */
    float composite(int p, float alpha, float cr, float cg, float cb, float z) {
        float tOld = t[p];
        float w = tOld * alpha;
        r[p] += w * cr;
        g[p] += w * cg;
        b[p] += w * cb;
        depthSum[p] += w * z;
        weightSum[p] += w;
        float tNew = tOld * (1f - alpha);
        if (tOld > 0.5f && tNew <= 0.5f) {
            median[p] = z;
        }
        if (tNew < FLUSH_T) {
            tNew = 0f;
        }
        t[p] = tNew;
        return tNew;
    }

    /**
     * Turns the state into a result (takes over some arrays; this state must not be used afterwards).
     *
     * @return the result
     */
    RenderResult finish() {
        int n = width * height;
        float[] colour = new float[3 * n];
        float[] alpha = new float[n];
        float[] expected = depthSum;
        for (int p = 0; p < n; p++) {
            colour[3 * p] = r[p];
            colour[3 * p + 1] = g[p];
            colour[3 * p + 2] = b[p];
            alpha[p] = 1f - t[p];
            float w = weightSum[p];
            expected[p] = w > 0f ? depthSum[p] / w : 0f;
        }
        return new RenderResult(width, height, colour, alpha, expected, median);
    }
}
