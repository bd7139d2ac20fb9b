package io.github.gen3d.render;

/**
 * Splats projected for one camera ({@link SplatProjector}), as packed primitive arrays (no per-splat objects), and the
 * per-pixel alpha that both rasterizer paths use.
 *
 * <p>Per splat {@code i}, packed so that one splat's values share a cache line: {@code data[STRIDE·i + …]} holds the
 * image centre {@link #U}, {@link #V}; the conic (inverse 2D covariance) {@link #CA}, {@link #CB}, {@link #CC};
 * {@link #OPACITY}; colour {@link #R}, {@link #G}, {@link #B}; and {@link #DEPTH} = c.z. {@code rect[4i .. 4i+3]} is
 * the clamped, inclusive pixel rectangle {@code x0, x1, y0, y1} of its square. A splat that is culled or skipped has an
 * empty rectangle ({@code x0 > x1}).
 */
final class ProjectedSplats {
    /** Low-pass filter added to the 2D covariance's diagonal, px². */
    static final double LOW_PASS = 0.3;
    /** The Jacobian's tangent clamp, as a multiple of {@code tan(fov/2)}. */
    static final double JACOBIAN_CLAMP = 1.3;
    /** Pixels with a smaller alpha are skipped. */
    static final float ALPHA_MIN = 1f / 255f;
    /** Upper bound of one splat's alpha. */
    static final float ALPHA_MAX = 0.99f;

    /** Floats per splat in {@link #data}. */
    static final int STRIDE = 12;
    static final int U = 0;
    static final int V = 1;
    static final int CA = 2;
    static final int CB = 3;
    static final int CC = 4;
    static final int OPACITY = 5;
    static final int R = 6;
    static final int G = 7;
    static final int B = 8;
    static final int DEPTH = 9;

    final int count;
    final float[] data;
    final int[] rect;

    /**
     * Allocates room for {@code count} splats, all empty.
     *
     * @param count splats
     */
    ProjectedSplats(int count) {
        this.count = count;
        data = new float[STRIDE * count];
        rect = new int[4 * count];
    }

    /**
     * Copies entries {@code (int) keys[from..to)} (low 32 bits of each key) to positions {@code from..to-1} of
     * {@code dst}, so that {@code dst} holds the splats in key order.
     *
     * @param keys sort keys whose low 32 bits are splat indices (not null, unaffected)
     * @param from first key
     * @param to one past the last key
     * @param dst destination (not null, modified)
     */
    void gather(long[] keys, int from, int to, ProjectedSplats dst) {
        for (int k = from; k < to; k++) {
            int s = (int) keys[k];
            System.arraycopy(data, STRIDE * s, dst.data, STRIDE * k, STRIDE);
            System.arraycopy(rect, 4 * s, dst.rect, 4 * k, 4);
        }
    }

    /**
     * Shrinks splat {@code k}'s rectangle to the bounding box of the ellipse outside which its alpha is below 1/255
     * ({@link #cullBound}, plus a pixel). Pixels removed this way are skipped by {@link #alpha} anyway, so this only
     * saves work; the rectangle may become empty.
     *
     * @param k splat
     */
    void tightenToCut(int k) {
        int o = STRIDE * k;
        double a = data[o + CA], b = data[o + CB], c = data[o + CC];
        double det = a * c - b * b;
        if (!(det > 0) || !(rect[4 * k] <= rect[4 * k + 1])) {
            return;
        }
        double bound = cullBound(data[o + OPACITY]);
        // the ellipse a·dx² + 2b·dx·dy + c·dy² ≤ bound spans |dx| ≤ sqrt(bound·c/det), |dy| ≤ sqrt(bound·a/det)
        double hx = Math.sqrt(bound * c / det) + 1, hy = Math.sqrt(bound * a / det) + 1;
        double u = data[o + U], v = data[o + V];
        double lx = Math.ceil(u - hx - 0.5), hxp = Math.floor(u + hx - 0.5);
        double ly = Math.ceil(v - hy - 0.5), hyp = Math.floor(v + hy - 0.5);
        rect[4 * k] = (int) Math.max(rect[4 * k], lx);
        rect[4 * k + 1] = (int) Math.min(rect[4 * k + 1], hxp);
        rect[4 * k + 2] = (int) Math.max(rect[4 * k + 2], ly);
        rect[4 * k + 3] = (int) Math.min(rect[4 * k + 3], hyp);
        if (rect[4 * k] > rect[4 * k + 1] || rect[4 * k + 2] > rect[4 * k + 3]) {
            rect[4 * k] = 0;
            rect[4 * k + 1] = -1;
            rect[4 * k + 2] = 0;
            rect[4 * k + 3] = -1;
        }
    }

    /**
     * @param i splat
     * @return true if the splat is drawn at all
     */
    boolean visible(int i) {
        return rect[4 * i] <= rect[4 * i + 1];
    }

    /**
     * @param i splat
     * @return its depth c.z (sort key)
     */
    float depth(int i) {
        return data[STRIDE * i + DEPTH];
    }

    /**
     * The alpha of a splat at a pixel offset {@code (dx, dy) = pixel centre − (u, v)}, or 0 where the pixel is
     * skipped ({@code power > 0} or alpha below 1/255). The one definition both paths use.
     *
     * @param dx x offset
     * @param dy y offset
     * @param a conic a
     * @param b conic b
     * @param c conic c
     * @param o opacity
     * @return the alpha in [1/255, 0.99], or 0
     */
    static float alpha(float dx, float dy, float a, float b, float c, float o) {
        float power = power(dx, dy, a, b, c);
        if (power > 0f) {
            return 0f;
        }
        float al = Math.min(ALPHA_MAX, o * (float) Math.exp(power));
        return al < ALPHA_MIN ? 0f : al;
    }

    /**
     * The Gaussian's exponent at a pixel offset: {@code −0.5 (a dx² + c dy²) − b dx dy}.
     *
     * @param dx x offset
     * @param dy y offset
     * @param a conic a
     * @param b conic b
     * @param c conic c
     * @return the power (≤ 0 for a positive-definite conic)
     */
    static float power(float dx, float dy, float a, float b, float c) {
        return -0.5f * (a * dx * dx + c * dy * dy) - b * dx * dy;
    }

    /**
     * A bound for culling: every pixel where {@link #alpha} can be non-zero satisfies
     * {@code a·dx² + 2b·dx·dy + c·dy² ≤ bound}. It is {@code 2 ln(255 o)} (from {@code o·exp(power) ≥ 1/255}) plus a
     * margin far larger than float rounding, so culling with it never drops a pixel that {@link #alpha} keeps.
     *
     * @param o opacity (≥ 1/255)
     * @return the bound
     */
    static double cullBound(float o) {
        return 2 * Math.log(255.0 * o) * 1.001 + 0.02;
    }
}
