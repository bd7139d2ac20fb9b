package io.github.gen3d.trainer;

import com.jme3.math.Matrix4f;
import com.jme3.math.Vector3f;
import io.github.gen3d.dataset.Prop;
import io.github.gen3d.dataset.PropCategory;
import io.github.gen3d.dataset.PropGenerator;
import io.github.gen3d.dataset.PropRenderer;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.ViewRig;
import java.util.List;

/**
 * One prop of the dataset rendered from its {@value #VIEWS} views, already quantised to the stored types. The
 * layout of every array is the one of the {@code .npy} files without the leading prop axis (see
 * {@code docs/dataset.md}, "Renders").
 *
 * @param seed the prop seed
 * @param category the category
 * @param yaw the yaw in degrees: the prop was rotated by −yaw about +Y into the canonical frame
 * @param views azimuth, elevation in degrees per view ({@code 2·VIEWS})
 * @param rgb sRGB bytes {@code [VIEWS, R, R, 3]}
 * @param alpha coverage bytes {@code [VIEWS, R, R]}
 * @param depth camera z {@code [VIEWS, R, R]}
 * @param normal world normal ·127 {@code [VIEWS, R, R, 3]}
 * @param cam world→RDF rotation (9), position (3), fx, fy, cx, cy per view {@code [VIEWS, 16]}
 */
record RenderedProp(long seed, PropCategory category, float yaw, float[] views, byte[] rgb, byte[] alpha,
        float[] depth, byte[] normal, float[] cam) {
    /** Views per prop: input, 4 targets, 4 novel. */
    static final int VIEWS = 9;
    /** Input elevation range in degrees. */
    static final float INPUT_ELEVATION_MAX = 30f;
    /** Novel view elevation range in degrees. */
    static final float NOVEL_ELEVATION_MIN = -15f;
    static final float NOVEL_ELEVATION_MAX = 50f;
    /** XOR-ed into the prop seed to seed the view sampler (decorrelates it from {@code DatasetSplit}). */
    static final long VIEW_SEED_SALT = 0x56494557534C4FL;

    /**
     * Generates, poses and renders one prop.
     *
     * @param seed the prop seed; the category is {@code PropCategory.values()[seed mod 10]}
     * @param res image size
     * @param supersample samples per pixel per axis
     * @return the rendered prop
     */
    static RenderedProp render(long seed, int res, int supersample) {
        PropCategory[] cats = PropCategory.values();
        PropCategory category = cats[(int) Math.floorMod(seed, (long) cats.length)];
        Prop prop = PropGenerator.generate(category, seed);
        SplitMix64 rng = new SplitMix64(seed ^ VIEW_SEED_SALT);
        float yaw = (float) (360 * rng.nextDouble());
        float[] az = new float[VIEWS];
        float[] el = new float[VIEWS];
        el[0] = (float) (INPUT_ELEVATION_MAX * rng.nextDouble());
        float[] targets = ViewRig.targetAzimuths();
        System.arraycopy(targets, 0, az, 1, targets.length);
        for (int v = 1 + targets.length; v < VIEWS; v++) {
            az[v] = (float) (360 * rng.nextDouble());
            el[v] = (float) (NOVEL_ELEVATION_MIN + (NOVEL_ELEVATION_MAX - NOVEL_ELEVATION_MIN) * rng.nextDouble());
        }
        TriangleMesh mesh = rotateY(prop.mesh(), -yaw);
        List<PinholeCamera> cams = ViewRig.views(az, el, ViewRig.RADIUS, ViewRig.FOV_Y_DEGREES, res, res);
        int px = res * res;
        float[] views = new float[2 * VIEWS];
        byte[] rgb = new byte[VIEWS * px * 3];
        byte[] alpha = new byte[VIEWS * px];
        float[] depth = new float[VIEWS * px];
        byte[] normal = new byte[VIEWS * px * 3];
        float[] cam = new float[VIEWS * 16];
        for (int v = 0; v < VIEWS; v++) {
            views[2 * v] = az[v];
            views[2 * v + 1] = el[v];
            PinholeCamera c = cams.get(v);
            System.arraycopy(cameraRow(c), 0, cam, 16 * v, 16);
            PropRenderer.View img = PropRenderer.render(mesh, c, supersample);
            for (int p = 0; p < px; p++) {
                int a = Math.round(img.alpha()[p] * 255f);
                alpha[v * px + p] = (byte) a;
                boolean on = img.alpha()[p] > 0;
                depth[v * px + p] = on ? img.depth()[p] : 0f;
                for (int k = 0; k < 3; k++) {
                    int q = 3 * (v * px + p) + k;
                    rgb[q] = on ? (byte) Math.round(Math.max(0f, Math.min(1f, img.rgb()[3 * p + k])) * 255f) : 0;
                    normal[q] = on ? (byte) Math.round(Math.max(-1f, Math.min(1f, img.normal()[3 * p + k])) * 127f)
                            : 0;
                }
            }
        }
        return new RenderedProp(seed, category, yaw, views, rgb, alpha, depth, normal, cam);
    }

    /**
     * The stored camera row: world→RDF rotation row-major, position, fx, fy, cx, cy.
     *
     * @param c the camera (not null)
     * @return 16 new floats
     */
    static float[] cameraRow(PinholeCamera c) {
        Matrix4f view = c.viewMatrix();
        float[] row = new float[16];
        for (int j = 0; j < 3; j++) {
            row[j] = view.get(0, j);
            row[3 + j] = -view.get(1, j);
            row[6 + j] = -view.get(2, j);
        }
        Vector3f p = c.location();
        row[9] = p.x;
        row[10] = p.y;
        row[11] = p.z;
        row[12] = c.fx();
        row[13] = c.fy();
        row[14] = c.cx();
        row[15] = c.cy();
        return row;
    }

    /**
     * Rotates positions and normals about +Y (right-handed: positive angles turn +Z towards +X).
     *
     * @param m the mesh (not null, unaffected)
     * @param degrees the angle
     * @return a new mesh
     */
    static TriangleMesh rotateY(TriangleMesh m, double degrees) {
        double t = Math.toRadians(degrees), c = Math.cos(t), s = Math.sin(t);
        float[] pos = m.positions().clone();
        float[] nrm = m.normals().clone();
        for (float[] a : new float[][] {pos, nrm}) {
            for (int i = 0; i < a.length; i += 3) {
                double x = a[i], z = a[i + 2];
                a[i] = (float) (c * x + s * z);
                a[i + 2] = (float) (-s * x + c * z);
            }
        }
        return new TriangleMesh(pos, nrm, m.colours(), m.indices());
    }

    /** SplitMix64 with the same constants as the plugin's (package-private) dataset generator. */
    static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            state = seed;
        }

        long nextLong() {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** @return uniform in [0, 1) */
        double nextDouble() {
            return (nextLong() >>> 11) * 0x1.0p-53;
        }
    }
}
