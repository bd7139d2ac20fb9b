package io.github.gen3d.trainer.eval;

import com.jme3.math.Vector3f;
import java.util.List;

/**
 * Keeps the surface samples that some depth view sees. Ground-truth props are unions of interpenetrating closed
 * parts, so their meshes contain faces inside other parts; those are hidden in every view and are dropped here.
 *
 * <p>A point is visible in a view when it projects inside the image ({@code 0 ≤ u < W}, {@code 0 ≤ v < H}), lies
 * in front of the camera (camera z &gt; 0), the pixel containing the projection holds a surface (finite depth
 * &gt; 0), and its camera z ≤ that depth + tolerance, with tolerance = {@link #ABSOLUTE_TOLERANCE} +
 * {@link #FOOTPRINT_PIXELS} × the pixel footprint at the point's depth ({@code z / min(fx, fy)}). The footprint term
 * absorbs depth changing across a pixel on slanted surfaces; points behind the visible surface by more than that are
 * occluded. A point is kept if it is visible in at least one view.
 */
public final class Visibility {
    /** Absolute depth tolerance in world units. */
    public static final float ABSOLUTE_TOLERANCE = 0.01f;
    /** Depth tolerance in pixel footprints at the point's depth. */
    public static final float FOOTPRINT_PIXELS = 1.5f;

    private Visibility() {
    }

    /**
     * Filters points by visibility.
     *
     * @param points xyz per point in the views' world frame (not null, unaffected)
     * @param views the depth views (not null, no null elements, unaffected); an empty list keeps nothing
     * @return a new array with the visible points in their original order
     * @throws IllegalArgumentException if an argument is null or malformed
     */
    public static float[] filterVisible(float[] points, List<DepthView> views) {
        PointClouds.checkPoints(points, "points");
        if (views == null) {
            throw new IllegalArgumentException("views must not be null");
        }
        for (DepthView view : views) {
            if (view == null) {
                throw new IllegalArgumentException("views must not hold null");
            }
        }
        int n = points.length / 3;
        boolean[] keep = new boolean[n];
        int kept = 0;
        Vector3f world = new Vector3f();
        Vector3f proj = new Vector3f();
        for (DepthView view : views) {
            int w = view.camera().width(), h = view.camera().height();
            float f = Math.min(view.camera().fx(), view.camera().fy());
            float[] depth = view.depth();
            for (int i = 0; i < n; i++) {
                if (keep[i]) {
                    continue;
                }
                world.set(points[3 * i], points[3 * i + 1], points[3 * i + 2]);
                view.camera().project(world, proj);
                float z = proj.z;
                if (!(z > 0) || !(proj.x >= 0 && proj.x < w && proj.y >= 0 && proj.y < h)) {
                    continue;
                }
                float d = depth[(int) proj.y * w + (int) proj.x];
                if (!(d > 0) || !Float.isFinite(d)) {
                    continue;
                }
                if (z <= d + ABSOLUTE_TOLERANCE + FOOTPRINT_PIXELS * z / f) {
                    keep[i] = true;
                    kept++;
                }
            }
        }
        float[] out = new float[3 * kept];
        int o = 0;
        for (int i = 0; i < n; i++) {
            if (keep[i]) {
                System.arraycopy(points, 3 * i, out, o, 3);
                o += 3;
            }
        }
        return out;
    }
}
