package io.github.gen3d.render;

import java.util.Arrays;

/**
 * Per-pixel compositing state for a W×H image (struct of arrays), and the single definition of the front-to-back
 * compositing step both rasterizer paths use, so that they do the same float arithmetic in the same order.
 */
final class PixelState {
    /** Transmittance below which a pixel counts as finished when early stopping is on. */
    static final float EARLY_STOP_T = 1e-4f;

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
