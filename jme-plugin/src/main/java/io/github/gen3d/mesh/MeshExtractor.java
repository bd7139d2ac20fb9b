package io.github.gen3d.mesh;

import com.jme3.bounding.BoundingBox;
import com.jme3.math.Vector3f;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.RenderResult;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.splat.GaussianCloud;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Gaussians → mesh: renders colour and depth of a {@link GaussianCloud} with the CPU {@link SplatRasterizer} from
 * {@code K} views spread evenly over a sphere around it (a Fibonacci spiral), fuses them into a {@link TsdfVolume}
 * with {@link TsdfFusion}, and extracts the surface with {@link MarchingCubes}.
 *
 * <p>Depth choice: the <em>median</em> depth (the depth at which transmittance first falls to 0.5) by default. It
 * is the depth of an actual splat, so at silhouettes and across depth discontinuities it snaps to the front or
 * the back surface, whereas the expected (alpha-weighted mean) depth blends them and leaves "flying pixels"
 * floating between the two surfaces, which fusion turns into fins. With the default alpha threshold 0.5 every
 * foreground pixel has a median depth by construction. Pixels whose alpha is below the threshold are background:
 * they are fused as free space all along the ray ({@link TsdfFusion} carving), which removes floaters and keeps
 * the object inside its silhouettes; the threshold is therefore also what decides the object's outline.
 *
 * <p>The cloud's colours are un-premultiplied per pixel ({@code colour / alpha}) before fusion, and converted from
 * display (sRGB) to linear values on the finished mesh.
 */
public final class MeshExtractor {
    private static final Logger LOG = Logger.getLogger(MeshExtractor.class.getName());
    private static final float FOV_Y_DEGREES = 40f;

    /**
     * Pipeline settings.
     *
     * @param views number of views (1..1000; default 24)
     * @param imageSize width and height of each depth map in pixels (16..4096; default 256)
     * @param resolution TSDF samples per axis ({@link TsdfVolume#MIN_RESOLUTION}..{@link TsdfVolume#MAX_RESOLUTION};
     *     default 256)
     * @param truncationVoxels truncation distance in voxels (1..100; default 5)
     * @param alphaThreshold pixels with alpha below it are background (in (0, 1); default 0.5)
     * @param medianDepth true for median depth (default), false for expected depth
     * @param threads worker threads for rendering and fusion (1..1024)
     */
    public record Settings(int views, int imageSize, int resolution, float truncationVoxels, float alphaThreshold,
            boolean medianDepth, int threads) {
        /**
         * Validates.
         *
         * @throws IllegalArgumentException on a value out of range
         */
        public Settings {
            if (views < 1 || views > 1000) {
                throw new IllegalArgumentException("views must be in 1..1000: " + views);
            }
            if (imageSize < 16 || imageSize > 4096) {
                throw new IllegalArgumentException("image size must be in 16..4096: " + imageSize);
            }
            if (resolution < TsdfVolume.MIN_RESOLUTION || resolution > TsdfVolume.MAX_RESOLUTION) {
                throw new IllegalArgumentException("TSDF resolution " + resolution + " is outside ["
                        + TsdfVolume.MIN_RESOLUTION + ", " + TsdfVolume.MAX_RESOLUTION + "]");
            }
            if (!(truncationVoxels >= 1 && truncationVoxels <= 100)) {
                throw new IllegalArgumentException("truncation must be in [1, 100] voxels: " + truncationVoxels);
            }
            if (!(alphaThreshold > 0 && alphaThreshold < 1)) {
                throw new IllegalArgumentException("alpha threshold must be in (0, 1): " + alphaThreshold);
            }
            if (threads < 1 || threads > 1024) {
                throw new IllegalArgumentException("threads must be in 1..1024: " + threads);
            }
        }

        /** @return 24 views of 256², 256³ volume, truncation 5 voxels, alpha 0.5, median depth, all cores */
        public static Settings defaults() {
            return new Settings(24, 256, 256, 5f, 0.5f, true, Runtime.getRuntime().availableProcessors());
        }

        /**
         * @param n views
         * @param size image size
         * @return a copy with that view count and image size
         */
        public Settings withViews(int n, int size) {
            return new Settings(n, size, resolution, truncationVoxels, alphaThreshold, medianDepth, threads);
        }

        /**
         * @param res TSDF resolution
         * @return a copy with that resolution
         */
        public Settings withResolution(int res) {
            return new Settings(views, imageSize, res, truncationVoxels, alphaThreshold, medianDepth, threads);
        }

        /**
         * @param median true for median depth
         * @return a copy with that depth choice
         */
        public Settings withMedianDepth(boolean median) {
            return new Settings(views, imageSize, resolution, truncationVoxels, alphaThreshold, median, threads);
        }

        /**
         * @param n threads
         * @return a copy with that thread count
         */
        public Settings withThreads(int n) {
            return new Settings(views, imageSize, resolution, truncationVoxels, alphaThreshold, medianDepth, n);
        }
    }

    /** The depth maps and the empty volume that encloses the object. */
    record Setup(List<DepthMap> views, TsdfVolume volume) {
    }

    private MeshExtractor() {
    }

    /**
     * Runs the whole pipeline.
     *
     * @param cloud the Gaussians (not null, unaffected; NaN splats are dropped first)
     * @param settings settings (null → {@link Settings#defaults()})
     * @return a new mesh, CCW from outside, with vertex colours (not null; may be empty for degenerate input)
     * @throws IllegalArgumentException for an empty or all-transparent cloud, or a resolution that does not fit in
     *     memory (checked before anything large is allocated)
     */
    public static TriangleMesh extract(GaussianCloud cloud, Settings settings) {
        Setup s = prepare(cloud, settings);
        Settings st = settings == null ? Settings.defaults() : settings;
        long t0 = System.nanoTime();
        TsdfFusion.integrate(s.volume, s.views, st.threads());
        long t1 = System.nanoTime();
        TriangleMesh mesh = toLinearColours(s.volume.extractMesh());
        long t2 = System.nanoTime();
        LOG.fine(() -> String.format("fusion %.0f ms, marching cubes %.0f ms, %s", (t1 - t0) / 1e6,
                (t2 - t1) / 1e6, mesh));
        return mesh;
    }

    /**
     * Splat colours are display (sRGB-encoded) values and are fused as such (8 bits per channel keep dark tones
     * better that way); {@link TriangleMesh} colours are linear, as jME's gamma-correct pipeline and glTF's
     * {@code COLOR_0} expect. This converts once, at the end.
     *
     * @param mesh a mesh with sRGB-encoded colours (not null, unaffected)
     * @return a mesh sharing positions, normals and indices, with linear colours
     */
    static TriangleMesh toLinearColours(TriangleMesh mesh) {
        float[] c = mesh.colours().clone();
        for (int i = 0; i < c.length; i++) {
            if (i % 4 != 3) {
                c[i] = srgbToLinear(c[i]);
            }
        }
        return new TriangleMesh(mesh.positions(), mesh.normals(), c, mesh.indices());
    }

    /** The sRGB transfer function's inverse (IEC 61966-2-1), input clamped to [0, 1]. */
    static float srgbToLinear(float v) {
        double x = Math.min(1.0, Math.max(0.0, v));
        return (float) (x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
    }

    /**
     * Checks the input, renders the depth maps and allocates the volume (not fused yet).
     */
    static Setup prepare(GaussianCloud cloud, Settings settings) {
        Settings st = settings == null ? Settings.defaults() : settings;
        TsdfVolume.checkBudget(st.resolution());
        if (cloud == null || cloud.size() == 0) {
            throw new IllegalArgumentException("cannot mesh an empty Gaussian cloud");
        }
        GaussianCloud.Validation val = cloud.sanitize();
        GaussianCloud c = val.cleaned();
        if (c.size() == 0) {
            throw new IllegalArgumentException("no usable splats: all " + cloud.size() + " were invalid (" + val + ")");
        }
        if (!val.isClean()) {
            LOG.warning("meshing a cloud with problems, repaired first: " + val);
        }
        float maxOpacity = 0;
        for (float o : c.opacities()) {
            maxOpacity = Math.max(maxOpacity, o);
        }
        if (maxOpacity < 1e-3f) {
            throw new IllegalArgumentException("all splats are transparent (max opacity " + maxOpacity
                    + "): nothing to mesh");
        }
        BoundingBox box = c.bounds();
        float maxScale = 0;
        for (float s : c.scales()) {
            maxScale = Math.max(maxScale, s);
        }
        Vector3f centre = box.getCenter().clone();
        float half = Math.max(box.getXExtent(), Math.max(box.getYExtent(), box.getZExtent()));
        half += Math.min(3 * maxScale, Math.max(half, 1e-3f)); // splat footprint beyond the centres
        half = Math.max(half, 1e-3f);
        List<DepthMap> views = render(c, centre, half, st);
        // a margin of (truncation + 2) voxels on each side, so the truncation band never touches the volume's faces
        float keep = Math.max(0.5f, 1 - 2 * (st.truncationVoxels() + 2) / (st.resolution() - 1f));
        float volHalf = half * 1.05f / keep;
        TsdfVolume vol = new TsdfVolume(new float[] {centre.x - volHalf, centre.y - volHalf, centre.z - volHalf},
                2 * volHalf, st.resolution(), st.truncationVoxels());
        return new Setup(views, vol);
    }

    /**
     * Renders the depth maps of a cloud from a Fibonacci sphere of views around a bounding cube.
     *
     * @throws IllegalArgumentException if no view has a single pixel at or above the alpha threshold
     */
    static List<DepthMap> render(GaussianCloud c, Vector3f centre, float half, Settings st) {
        float boundRadius = half * (float) Math.sqrt(3);
        float dist = boundRadius / (float) Math.sin(Math.toRadians(FOV_Y_DEGREES / 2)) * 1.05f;
        float near = Math.max(dist - 1.5f * boundRadius, 1e-3f * dist);
        float far = dist + 1.5f * boundRadius;
        SplatRasterizer raster = new SplatRasterizer();
        RenderOptions opts = RenderOptions.defaults().withThreads(st.threads());
        List<DepthMap> out = new ArrayList<>();
        long foreground = 0;
        double golden = Math.PI * (3 - Math.sqrt(5));
        int k = st.views();
        for (int i = 0; i < k; i++) {
            double y = k == 1 ? 0 : 1 - 2 * (i + 0.5) / k;
            float el = (float) Math.toDegrees(Math.asin(y));
            float az = (float) Math.toDegrees((i * golden) % (2 * Math.PI));
            PinholeCamera cam = PinholeCamera.orbit(centre, dist, az, el, FOV_Y_DEGREES, st.imageSize(),
                    st.imageSize()).withClipPlanes(near, far);
            RenderResult r = raster.render(c, null, cam, opts);
            float[] alpha = r.alpha(), colour = r.colour();
            float[] z = st.medianDepth() ? r.medianDepth() : r.expectedDepth();
            int n = alpha.length;
            float[] depth = new float[n], rgb = new float[3 * n];
            for (int p = 0; p < n; p++) {
                if (alpha[p] >= st.alphaThreshold()) {
                    depth[p] = z[p] > 0 ? z[p] : Float.NaN;
                    for (int ch = 0; ch < 3; ch++) {
                        rgb[3 * p + ch] = colour[3 * p + ch] / alpha[p];
                    }
                    foreground++;
                } else {
                    depth[p] = Float.POSITIVE_INFINITY;
                }
            }
            out.add(new DepthMap(cam, depth, rgb));
        }
        if (foreground == 0) {
            throw new IllegalArgumentException("the cloud is transparent in every view: no pixel reached alpha "
                    + st.alphaThreshold() + ", nothing to mesh");
        }
        return out;
    }
}
