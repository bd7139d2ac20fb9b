package io.github.gen3d.trainer;

import com.jme3.math.Matrix4f;
import com.jme3.math.Vector3f;
import io.github.gen3d.render.MeshRasterizer;
import io.github.gen3d.image.InputImageException;
import io.github.gen3d.image.InputImages;
import io.github.gen3d.image.PreparedImage;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.ViewRig;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Supplier;

/**
 * One prop of the dataset rendered from its {@value #VIEWS} views, already quantised to the stored types. The
 * layout of every array is the one of the {@code .npy} files without the leading prop axis (see
 * {@code docs/dataset.md}, "Renders").
 *
 * @param seed the prop seed (for game art: the asset's seed, {@code GameArt.seed})
 * @param label the category ordinal, or −1 for game art (no category)
 * @param yaw the yaw in degrees: the prop was rotated by −yaw about +Y into the canonical frame
 * @param views azimuth, elevation in degrees per view ({@code 2·VIEWS})
 * @param rgb sRGB bytes {@code [VIEWS, R, R, 3]}
 * @param alpha coverage bytes {@code [VIEWS, R, R]}
 * @param depth camera z {@code [VIEWS, R, R]}
 * @param normal world normal ·127 {@code [VIEWS, R, R, 3]}
 * @param cam world→RDF rotation (9), position (3), fx, fy, cx, cy per view {@code [VIEWS, 16]}
 * @param cond the model's condition image {@code [R, R, 3]} sRGB bytes: the input view as a user's picture of it
 *        reaches the model ({@link #renderCondition})
 */
record RenderedProp(long seed, int label, float yaw, float[] views, byte[] rgb, byte[] alpha,
        float[] depth, byte[] normal, float[] cam, byte[] cond) {
    /** Views per prop: input, 4 targets, 4 novel. */
    static final int VIEWS = PropPose.VIEWS;
    /** Salt of the condition picture's jitter stream ({@code SplitMix64(seed ^ salt)}), apart from the pose's. */
    static final long COND_SEED_SALT = 0x434F4E444954L;
    /** Smallest side of the rendered picture the condition is prepared from. */
    static final int COND_MIN_SIDE = 96;
    /** Largest side of that picture. */
    static final int COND_MAX_SIDE = 256;
    /** Range of the picture's camera distance, as factors of the rig's radius. */
    static final float COND_MIN_DISTANCE = 0.85f;
    static final float COND_MAX_DISTANCE = 1.6f;

    /**
     * Generates, poses and renders one prop.
     *
     * @param seed the prop seed; pose and views from {@link PropPose#of(long)}
     * @param res image size
     * @param supersample samples per pixel per axis
     * @return the rendered prop
     */
    static RenderedProp render(long seed, int res, int supersample) {
        PropPose pose = PropPose.of(seed);
        return render(seed, pose.category().ordinal(), pose, pose.canonicalMesh(), null, res, supersample);
    }

    /**
     * Renders a posed mesh from the pose's views, and its condition picture.
     *
     * @param seed the seed stored with it (also seeds the condition's jitter)
     * @param label the label stored with it
     * @param pose the pose (yaw and views; its category is ignored)
     * @param mesh the mesh already in the canonical frame
     * @param surface a source of one surface per view (textures), or null to use the vertex colours
     * @param res image size
     * @param supersample samples per pixel per axis
     * @return the rendered prop
     */
    static RenderedProp render(long seed, int label, PropPose pose, TriangleMesh mesh,
            Supplier<MeshRasterizer.Surface> surface, int res, int supersample) {
        float yaw = pose.yaw();
        float[] az = pose.azimuths();
        float[] el = pose.elevations();
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
            MeshRasterizer.View img = surface == null ? MeshRasterizer.render(mesh, c, supersample)
                    : MeshRasterizer.render(mesh, c, supersample, surface.get());
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
        byte[] cond = renderCondition(seed, el[0], mesh, surface, res, supersample);
        return new RenderedProp(seed, label, yaw, views, rgb, alpha, depth, normal, cam, cond);
    }

    /**
     * The condition image: what the model gets when a user hands the service a picture of this view. The input
     * camera (azimuth 0, the pose's input elevation) renders a picture on white at a jittered size (side uniform in
     * {@value #COND_MIN_SIDE}..{@value #COND_MAX_SIDE} px) and distance ({@value #COND_MIN_DISTANCE}–
     * {@value #COND_MAX_DISTANCE} × the rig radius, so the object fills more or less of it and its perspective
     * changes), and {@link InputImages#prepare} brings it to {@code res × res} exactly as the service does. Jitter
     * is drawn from {@code SplitMix64(seed ^ COND_SEED_SALT)}.
     *
     * @param seed the seed
     * @param elevation the input view's elevation in degrees
     * @param mesh the canonical mesh
     * @param surface surfaces for textured meshes, or null
     * @param res output size
     * @param supersample samples per pixel per axis for the picture
     * @return sRGB bytes {@code [res, res, 3]}
     * @throws IllegalStateException when the service's input preparation refuses the picture
     */
    static byte[] renderCondition(long seed, float elevation, TriangleMesh mesh,
            Supplier<MeshRasterizer.Surface> surface, int res, int supersample) {
        SplitMix64 rng = new SplitMix64(seed ^ COND_SEED_SALT);
        int side = COND_MIN_SIDE + (int) ((COND_MAX_SIDE - COND_MIN_SIDE + 1) * rng.nextDouble());
        float dist = (float) (ViewRig.RADIUS
                * (COND_MIN_DISTANCE + (COND_MAX_DISTANCE - COND_MIN_DISTANCE) * rng.nextDouble()));
        PinholeCamera c = ViewRig.views(new float[] {0f}, new float[] {elevation}, dist, ViewRig.FOV_Y_DEGREES,
                side, side).get(0);
        MeshRasterizer.View v = surface == null ? MeshRasterizer.render(mesh, c, supersample)
                : MeshRasterizer.render(mesh, c, supersample, surface.get());
        BufferedImage pic = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < side * side; p++) {
            double a = v.alpha()[p];
            int rgb = 0;
            for (int k = 0; k < 3; k++) {
                double x = a > 0 ? v.rgb()[3 * p + k] * a + (1 - a) : 1.0;
                rgb = (rgb << 8) | (int) Math.round(255 * Math.max(0, Math.min(1, x)));
            }
            pic.setRGB(p % side, p / side, rgb);
        }
        PreparedImage prepared;
        try {
            prepared = InputImages.prepare(pic, "condition of prop " + seed, res);
        } catch (InputImageException e) {
            throw new IllegalStateException("the input preparation refused the condition picture of prop " + seed
                    + ": " + e.getMessage(), e);
        }
        byte[] out = new byte[res * res * 3];
        for (int j = 0; j < res; j++) {
            for (int i = 0; i < res; i++) {
                for (int k = 0; k < 3; k++) {
                    double x = (prepared.value(k, j, i) + 1) / 2;
                    out[3 * (j * res + i) + k] = (byte) Math.round(255 * Math.max(0, Math.min(1, x)));
                }
            }
        }
        return out;
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
}
