package io.github.gen3d.render;

import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SphericalHarmonics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-asset refinement of a generated cloud against its input picture: the geometry stays, the colours and opacities
 * are fitted by gradient descent to the input view (whose camera elevation is estimated first) while the cloud's own
 * renders at anchor cameras (the rig's target views) are held. The input picture is the one view of the object that
 * is real, and the only one that sees it from above; the rig's target views are level. {@code docs/sampler.md}
 * ("The input fit") describes it and {@code docs/model.md} ("Fitting the input view") gives the measured effect.
 *
 * <p>The loss is {@code Σ_views weight · mean((render − image)²)} over the three channels of every pixel, the renders
 * composited on white as {@link SplatRasterizer#renderReference} composites them (same projection, alpha rule and
 * front-to-back order; no early stop). Colours and opacities take damped Gauss–Newton steps with the diagonal of
 * the Gauss–Newton matrix, {@code x ← clamp(x − stepSize · g / (h + damping))}, so a Gaussian moves in proportion to
 * how much of the images it covers: one that is hidden or seen only at a grazing angle ({@code h ≪ damping}) keeps
 * its colour (Adam, which normalises every gradient to a full step, let those drift into speckle). The gradients are
 * the analytic ones of front-to-back compositing with the projected footprints held fixed (they depend only on the
 * geometry). The tests hold the loss against the reference rasterizer and the gradient against finite differences.
 *
 * <p>Only clouds of spherical-harmonic degree 0 (view-independent colour, as the reconstructor writes them) are
 * fitted. Usage:
 * <pre>{@code
 * ViewFit.Result r = ViewFit.fitToInput(cloud, pictureChw, ViewRig.targetViews(64, 64), ViewFit.Settings.defaults());
 * GaussianCloud refined = r.cloud();
 * }</pre>
 */
public final class ViewFit {
    /** Opacities are kept in [OPACITY_MIN, OPACITY_MAX] by the fit. */
    private static final float OPACITY_MIN = 1e-3f;
    private static final float OPACITY_MAX = 0.999f;
    /** Step halvings tried before a fit step gives up. */
    private static final int MAX_HALVINGS = 12;
    /** The background the images are composited on (white). */
    static final float BACKGROUND = 1f;

    private ViewFit() {
    }

    /**
     * How to fit.
     *
     * @param steps Gauss–Newton steps (≥ 0; 0 only estimates the input camera)
     * @param stepSize the fraction of each Gauss–Newton step taken, in (0, 1]
     * @param damping added to each diagonal Gauss–Newton entry (&gt; 0): Gaussians covering much less than this
     *     barely move
     * @param inputWeight weight of the input view's term (≥ 0); each anchor view's term has weight 1
     * @param minElevation lowest input-camera elevation tried, degrees
     * @param maxElevation highest, degrees (≥ minElevation)
     * @param elevationStep spacing of the elevations tried, degrees (&gt; 0; at most 1000 elevations)
     * @param fitOpacity whether opacities are fitted too (otherwise only colours)
     */
    public record Settings(int steps, float stepSize, float damping, float inputWeight, float minElevation,
            float maxElevation, float elevationStep, boolean fitOpacity) {
        /**
         * @throws IllegalArgumentException for values out of range
         */
        public Settings {
            if (steps < 0 || steps > 10_000 || !(stepSize > 0 && stepSize <= 1) || !(damping > 0)
                    || !Float.isFinite(damping) || !(inputWeight >= 0) || !Float.isFinite(inputWeight)) {
                throw new IllegalArgumentException("need 0 ≤ steps ≤ 10000, a step size in (0, 1], a finite damping"
                        + " > 0 and a finite input weight ≥ 0; got " + steps + ", " + stepSize + ", " + damping + ", "
                        + inputWeight);
            }
            if (!(minElevation >= -89 && maxElevation <= 89 && minElevation <= maxElevation && elevationStep > 0)
                    || (maxElevation - minElevation) / elevationStep >= 1000) {
                throw new IllegalArgumentException("need −89 ≤ minElevation ≤ maxElevation ≤ 89 and a step > 0 that"
                        + " gives at most 1000 elevations; got " + minElevation + ", " + maxElevation + ", "
                        + elevationStep);
            }
        }

        /**
         * @return 30 steps of size 0.5, damping 1e-3, input weight 2, input elevations 0–30° (the training renders')
         *     in steps of 1°, colours and opacities (chosen on the validation split: docs/model.md, "Fitting the
         *     input view")
         */
        public static Settings defaults() {
            return new Settings(30, 0.5f, 1e-3f, 2f, 0f, 30f, 1f, true);
        }

        /**
         * @param n Gauss–Newton steps (≥ 0)
         * @return a copy with {@code steps = n}
         */
        public Settings withSteps(int n) {
            return new Settings(n, stepSize, damping, inputWeight, minElevation, maxElevation, elevationStep,
                    fitOpacity);
        }

        /**
         * @param w the input view's weight (≥ 0)
         * @return a copy with {@code inputWeight = w}
         */
        public Settings withInputWeight(float w) {
            return new Settings(steps, stepSize, damping, w, minElevation, maxElevation, elevationStep, fitOpacity);
        }

        /**
         * @param on whether opacities are fitted too
         * @return a copy with {@code fitOpacity = on}
         */
        public Settings withFitOpacity(boolean on) {
            return new Settings(steps, stepSize, damping, inputWeight, minElevation, maxElevation, elevationStep, on);
        }
    }

    /**
     * What a fit did.
     *
     * @param cloud the fitted cloud (a new cloud; the input cloud is unaffected)
     * @param inputElevation the estimated elevation of the input camera, degrees
     * @param lossBefore the loss of the given cloud
     * @param lossAfter the loss of the fitted cloud
     */
    public record Result(GaussianCloud cloud, float inputElevation, double lossBefore, double lossAfter) {
    }

    /**
     * Estimates the input camera's elevation, then fits colours and opacities to the input picture while holding
     * the cloud's own renders at the anchor cameras (the rig's target views), so that what the picture does not show
     * stays as the sampler made it.
     *
     * @param cloud the generated cloud, SH degree 0 (not null, unaffected)
     * @param inputChw the input picture, planar RGB {@code 3×H×W} in [−1, 1] on white (not null, unaffected)
     * @param anchorCameras the cameras whose renders are held, each {@code W×H} (not null, unaffected; may be empty)
     * @param settings how to fit (not null)
     * @return the result
     * @throws IllegalArgumentException for a cloud of SH degree above 0, or a picture that does not match the
     *     cameras' size
     */
    public static Result fitToInput(GaussianCloud cloud, float[] inputChw, List<PinholeCamera> anchorCameras,
            Settings settings) {
        if (cloud == null || inputChw == null || anchorCameras == null || settings == null) {
            throw new IllegalArgumentException("cloud, picture, cameras and settings must not be null");
        }
        if (cloud.shDegree() != 0) {
            throw new IllegalArgumentException("only clouds of SH degree 0 are fitted, got degree "
                    + cloud.shDegree());
        }
        int w = anchorCameras.isEmpty() ? (int) Math.round(Math.sqrt(inputChw.length / 3.0))
                : anchorCameras.get(0).width();
        int h = anchorCameras.isEmpty() ? w : anchorCameras.get(0).height();
        if (inputChw.length != 3 * w * h) {
            throw new IllegalArgumentException("picture sizes do not match: " + inputChw.length + " values for "
                    + w + "x" + h + " cameras");
        }
        float elevation = estimateElevation(cloud, inputChw, w, h, settings);
        List<PinholeCamera> cams = new ArrayList<>(anchorCameras.size() + 1);
        List<float[]> images = new ArrayList<>(anchorCameras.size() + 1);
        float[] weights = new float[anchorCameras.size() + 1];
        cams.add(inputCamera(elevation, w, h));
        images.add(inputChw);
        weights[0] = settings.inputWeight();
        SplatRasterizer rasterizer = new SplatRasterizer();
        for (int v = 0; v < anchorCameras.size(); v++) {
            cams.add(anchorCameras.get(v));
            images.add(onWhite(rasterizer.render(cloud, null, anchorCameras.get(v), null)));
            weights[v + 1] = 1f;
        }
        Problem p = new Problem(cloud, cams, images, weights);
        Fit f = p.fit(settings.steps(), settings.stepSize(), settings.damping(), settings.fitOpacity());
        return new Result(f.cloud, elevation, f.lossBefore, f.lossAfter);
    }

    /**
     * @param r a render
     * @return its picture composited on white, planar RGB in [−1, 1]
     */
    static float[] onWhite(RenderResult r) {
        int plane = r.width() * r.height();
        float[] col = r.colour();
        float[] alpha = r.alpha();
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                chw[c * plane + p] = 2f * (col[3 * p + c] + (1f - alpha[p]) * BACKGROUND) - 1f;
            }
        }
        return chw;
    }

    /**
     * The rig's camera for an input view at azimuth 0 and the given elevation.
     *
     * @param elevation degrees
     * @param w width
     * @param h height
     * @return the camera
     */
    static PinholeCamera inputCamera(float elevation, int w, int h) {
        return ViewRig.views(new float[] {0f}, new float[] {elevation}, ViewRig.RADIUS, ViewRig.FOV_Y_DEGREES, w, h)
                .get(0);
    }

    /**
     * The elevation, among {@code settings}' grid, whose render of the cloud (on white) is closest to the input
     * picture in squared error; the earliest of equal ones.
     */
    static float estimateElevation(GaussianCloud cloud, float[] inputChw, int w, int h, Settings settings) {
        SplatRasterizer rasterizer = new SplatRasterizer();
        float best = settings.minElevation();
        double bestErr = Double.POSITIVE_INFINITY;
        int count = (int) Math.floor((settings.maxElevation() - settings.minElevation()) / settings.elevationStep()
                + 1e-6) + 1;
        for (int k = 0; k < count; k++) {
            float e = settings.minElevation() + k * settings.elevationStep();
            float[] pic = onWhite(rasterizer.render(cloud, null, inputCamera(e, w, h), null));
            double err = 0;
            for (int i = 0; i < pic.length; i++) {
                double d = pic[i] - inputChw[i];
                err += d * d;
            }
            if (err < bestErr) {
                bestErr = err;
                best = e;
            }
        }
        return best;
    }

    /** The outcome of {@link Problem#fit}. */
    record Fit(GaussianCloud cloud, double lossBefore, double lossAfter) {
    }

    /**
     * The fitting problem: for each view, every pixel's list of (splat, footprint weight) in front-to-back order,
     * which the geometry fixes, and the image to match. Colours {@code rgb[3i..3i+2]} and opacities {@code op[i]} are
     * the variables.
     */
    static final class Problem {
        final GaussianCloud cloud;
        final View[] views;

        Problem(GaussianCloud cloud, List<PinholeCamera> cams, List<float[]> images, float[] weights) {
            this.cloud = cloud;
            views = new View[cams.size()];
            for (int v = 0; v < views.length; v++) {
                views[v] = new View(cloud, cams.get(v), images.get(v), weights[v]);
            }
        }

        /** @return the cloud's base colours, 3 per splat */
        float[] colours() {
            int n = cloud.size();
            float[] rgb = new float[3 * n];
            float[] sh = cloud.sh();
            for (int i = 0; i < 3 * n; i++) {
                rgb[i] = Math.max(0f, 0.5f + SphericalHarmonics.C0 * sh[i]);
            }
            return rgb;
        }

        /**
         * The loss for colours {@code rgb} and opacities {@code op}; with non-null {@code dRgb}, {@code dOp} it adds
         * the gradient to them, and with non-null {@code hRgb}, {@code hOp} the diagonal of the Gauss–Newton matrix
         * (one entry per splat for its colour, the same for each channel, and one for its opacity).
         */
        double loss(float[] rgb, float[] op, double[] dRgb, double[] dOp, double[] hRgb, double[] hOp) {
            double total = 0;
            for (View v : views) {
                total += v.loss(rgb, op, dRgb, dOp, hRgb, hOp);
            }
            return total;
        }

        /**
         * Damped Gauss–Newton steps with the diagonal of the Gauss–Newton matrix, clamped to the valid range. The
         * diagonal ignores that several Gaussians share a pixel, so a full step overshoots; the step is halved
         * until the loss falls (backtracking), and a step that cannot lower it ends the fit.
         */
        Fit fit(int steps, float stepSize, float damping, boolean fitOpacity) {
            int n = cloud.size();
            float[] rgb = colours();
            for (int i = 0; i < 3 * n; i++) {
                rgb[i] = Math.min(1f, rgb[i]);
            }
            float[] op = cloud.opacities().clone();
            float[] tryRgb = new float[3 * n], tryOp = new float[n];
            double[] dRgb = new double[3 * n], dOp = new double[n], hRgb = new double[n], hOp = new double[n];
            double before = Double.NaN;
            double eta = stepSize;
            for (int step = 1; step <= steps; step++) {
                Arrays.fill(dRgb, 0);
                Arrays.fill(dOp, 0);
                Arrays.fill(hRgb, 0);
                Arrays.fill(hOp, 0);
                double l = loss(rgb, op, dRgb, dOp, hRgb, hOp);
                if (step == 1) {
                    before = l;
                }
                boolean moved = false;
                for (int attempt = 0; attempt < MAX_HALVINGS && !moved; attempt++, eta *= 0.5) {
                    for (int i = 0; i < n; i++) {
                        double k = eta / (hRgb[i] + damping);
                        for (int c = 3 * i; c < 3 * i + 3; c++) {
                            tryRgb[c] = (float) Math.min(1, Math.max(0, rgb[c] - k * dRgb[c]));
                        }
                        tryOp[i] = !fitOpacity ? op[i] : (float) Math.min(OPACITY_MAX, Math.max(OPACITY_MIN,
                                op[i] - eta * dOp[i] / (hOp[i] + damping)));
                    }
                    if (loss(tryRgb, tryOp, null, null, null, null) < l) {
                        System.arraycopy(tryRgb, 0, rgb, 0, rgb.length);
                        System.arraycopy(tryOp, 0, op, 0, n);
                        moved = true;
                    }
                }
                if (!moved) {
                    break;
                }
                eta = Math.min(stepSize, eta * 4); // undo this step's halving and try a larger one next time
            }
            double after = loss(rgb, op, null, null, null, null);
            if (steps == 0) {
                before = after;
            }
            GaussianCloud out = cloud.copy();
            System.arraycopy(op, 0, out.opacities(), 0, n);
            for (int i = 0; i < n; i++) {
                out.setColour(i, rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
            }
            return new Fit(out, before, after);
        }
    }

    /** One view of a {@link Problem}: per-pixel entry lists (compressed rows) and the target image in [0, 1]. */
    static final class View {
        final int width;
        final int height;
        final float weight;
        /** Pixel p's entries are {@code start[p] .. start[p+1]-1}, front to back. */
        final int[] start;
        final int[] splat;
        /** {@code exp(power)} of the entry's splat at the pixel centre (≥ 1/255). */
        final float[] footprint;
        /** Target, planar RGB in [0, 1]. */
        final float[] target;
        /** The longest pixel list. */
        final int maxEntries;

        View(GaussianCloud cloud, PinholeCamera cam, float[] chw, float weight) {
            width = cam.width();
            height = cam.height();
            this.weight = weight;
            int plane = width * height;
            if (chw.length != 3 * plane) {
                throw new IllegalArgumentException("image of " + chw.length + " values for a " + width + "x"
                        + height + " camera");
            }
            target = new float[3 * plane];
            for (int i = 0; i < target.length; i++) {
                target[i] = (chw[i] + 1f) * 0.5f;
            }
            int n = cloud.size();
            ProjectedSplats ps = new ProjectedSplats(n);
            new SplatProjector(cloud, Transforms.WorldTransform.of(null), cam).project(0, n, ps);
            int visible = 0;
            for (int i = 0; i < n; i++) {
                if (ps.visible(i)) {
                    visible++;
                }
            }
            long[] keys = new long[visible];
            for (int i = 0, k = 0; i < n; i++) {
                if (ps.visible(i)) {
                    keys[k++] = SplatRasterizer.key(ps, i);
                }
            }
            Arrays.sort(keys);
            // two passes in depth order: count the entries per pixel, then fill; each pixel's list stays in order
            int[] count = new int[plane + 1];
            for (long key : keys) {
                visit((int) key, ps, (p, f) -> count[p + 1]++);
            }
            for (int p = 0; p < plane; p++) {
                count[p + 1] += count[p];
            }
            start = count.clone();
            int total = count[plane];
            splat = new int[total];
            footprint = new float[total];
            int longest = 0;
            for (int p = 0; p < plane; p++) {
                longest = Math.max(longest, count[p + 1] - count[p]);
            }
            maxEntries = longest;
            int[] next = Arrays.copyOf(count, plane);
            for (long key : keys) {
                int s = (int) key;
                visit(s, ps, (p, f) -> {
                    int e = next[p]++;
                    splat[e] = s;
                    footprint[e] = f;
                });
            }
        }

        private interface EntrySink {
            void accept(int pixel, float footprint);
        }

        /** Calls {@code sink} for each pixel of splat s's square whose footprint could give alpha ≥ 1/255. */
        private void visit(int s, ProjectedSplats ps, EntrySink sink) {
            int o = ProjectedSplats.STRIDE * s;
            float[] d = ps.data;
            for (int y = ps.rect[4 * s + 2]; y <= ps.rect[4 * s + 3]; y++) {
                for (int x = ps.rect[4 * s]; x <= ps.rect[4 * s + 1]; x++) {
                    float power = ProjectedSplats.power((x + 0.5f) - d[o + ProjectedSplats.U],
                            (y + 0.5f) - d[o + ProjectedSplats.V], d[o + ProjectedSplats.CA],
                            d[o + ProjectedSplats.CB], d[o + ProjectedSplats.CC]);
                    if (power > 0f) {
                        continue;
                    }
                    float f = (float) Math.exp(power);
                    if (f >= ProjectedSplats.ALPHA_MIN) {
                        sink.accept(y * width + x, f);
                    }
                }
            }
        }

        /**
         * This view's weighted mean squared error; with non-null {@code dRgb}, {@code dOp} adds its gradient and with
         * non-null {@code hRgb}, {@code hOp} its diagonal Gauss–Newton entries. Alpha is {@link ProjectedSplats#alpha}'s:
         * {@code min(0.99, o·f)}, skipped below 1/255.
         */
        double loss(float[] rgb, float[] op, double[] dRgb, double[] dOp, double[] hRgb, double[] hOp) {
            int plane = width * height;
            double sum = 0;
            double scale = 2.0 * weight / (3.0 * plane);
            float[] ta = new float[maxEntries];
            float[] al = new float[maxEntries];
            for (int p = 0; p < plane; p++) {
                int a = start[p], b = start[p + 1];
                float t = 1f, r = 0f, g = 0f, bl = 0f;
                for (int e = a; e < b; e++) {
                    int s = splat[e];
                    float alpha = Math.min(ProjectedSplats.ALPHA_MAX, op[s] * footprint[e]);
                    if (alpha < ProjectedSplats.ALPHA_MIN) {
                        al[e - a] = 0f;
                        continue;
                    }
                    float wgt = t * alpha;
                    r += wgt * rgb[3 * s];
                    g += wgt * rgb[3 * s + 1];
                    bl += wgt * rgb[3 * s + 2];
                    ta[e - a] = t;
                    al[e - a] = alpha;
                    t = t * (1f - alpha);
                    if (t < PixelState.FLUSH_T) {
                        t = 0f;
                    }
                }
                double dr = r + t * BACKGROUND - target[p], dg = g + t * BACKGROUND - target[plane + p];
                double db = bl + t * BACKGROUND - target[2 * plane + p];
                sum += dr * dr + dg * dg + db * db;
                if (dRgb == null) {
                    continue;
                }
                double gr = scale * dr, gg = scale * dg, gb = scale * db;
                // back to front: (br, bg, bb) is the normalised colour of everything behind the current entry
                double br = BACKGROUND, bgc = BACKGROUND, bb = BACKGROUND;
                for (int e = b - 1; e >= a; e--) {
                    float alpha = al[e - a];
                    if (alpha == 0f) {
                        continue;
                    }
                    int s = splat[e];
                    double tw = ta[e - a];
                    double cr = rgb[3 * s], cg = rgb[3 * s + 1], cb = rgb[3 * s + 2];
                    double w = alpha * tw;
                    dRgb[3 * s] += gr * w;
                    dRgb[3 * s + 1] += gg * w;
                    dRgb[3 * s + 2] += gb * w;
                    if (hRgb != null) {
                        hRgb[s] += scale * w * w;
                    }
                    if (op[s] * footprint[e] < ProjectedSplats.ALPHA_MAX) {
                        double dAlpha = tw * (gr * (cr - br) + gg * (cg - bgc) + gb * (cb - bb));
                        dOp[s] += dAlpha * footprint[e];
                        if (hOp != null) {
                            double jr = cr - br, jg = cg - bgc, jb = cb - bb;
                            double f = footprint[e] * tw;
                            hOp[s] += scale * f * f * (jr * jr + jg * jg + jb * jb);
                        }
                    }
                    br = alpha * cr + (1 - alpha) * br;
                    bgc = alpha * cg + (1 - alpha) * bgc;
                    bb = alpha * cb + (1 - alpha) * bb;
                }
            }
            return weight * sum / (3.0 * plane);
        }
    }
}
