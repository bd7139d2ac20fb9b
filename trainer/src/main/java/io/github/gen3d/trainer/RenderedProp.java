package io.github.gen3d.trainer;

import com.jme3.math.Matrix4f;
import com.jme3.math.Vector3f;
import io.github.gen3d.dataset.PropCategory;
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
    static final int VIEWS = PropPose.VIEWS;

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
        PropCategory category = pose.category();
        float yaw = pose.yaw();
        float[] az = pose.azimuths();
        float[] el = pose.elevations();
        TriangleMesh mesh = pose.canonicalMesh();
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
}
