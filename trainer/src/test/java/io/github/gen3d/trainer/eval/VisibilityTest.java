package io.github.gen3d.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.Vector3f;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.render.PinholeCamera;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VisibilityTest {
    /**
     * Camera looking down at the ground plane y = 0 from 40° elevation, 256x192 pixels (1.5 pixel footprints at the
     * plane's depth are about 0.02); depth of the plane computed analytically.
     */
    private static DepthView groundPlaneView() {
        int w = 256, h = 192;
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 3f, 30f, 40f, 50f, w, h);
        float[] depth = new float[w * h];
        Vector3f eye = cam.location();
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                double[] d = TestMeshes.rayDirection(cam, i + 0.5, j + 0.5);
                // eye + t d hits y = 0 at t = -eye.y / d.y; t is the camera z because d has unit camera z
                depth[j * w + i] = d[1] < 0 ? (float) (-eye.y / d[1]) : 0f;
            }
        }
        return new DepthView(cam, depth);
    }

    @Test
    void rayCasterDepthAgreesWithProjection() {
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 3f, 30f, 40f, 50f, 64, 48);
        double[] d = TestMeshes.rayDirection(cam, 20.5, 30.5);
        Vector3f eye = cam.location();
        Vector3f p = new Vector3f((float) (eye.x + 2 * d[0]), (float) (eye.y + 2 * d[1]), (float) (eye.z + 2 * d[2]));
        Vector3f uvz = cam.project(p, null);
        assertEquals(20.5f, uvz.x, 1e-3f);
        assertEquals(30.5f, uvz.y, 1e-3f);
        assertEquals(2f, uvz.z, 1e-5f);
    }

    @Test
    void pointsOnAPlaneAreVisibleAndPointsBelowItAreNot() {
        DepthView view = groundPlaneView();
        List<float[]> on = new ArrayList<>();
        List<float[]> below = new ArrayList<>();
        for (int i = -4; i <= 4; i++) {
            for (int k = -4; k <= 4; k++) {
                on.add(new float[] {0.1f * i, 0, 0.1f * k});
                // 0.05 below the plane is about 0.078 behind it along the view rays, beyond the 0.032 tolerance
                below.add(new float[] {0.1f * i, -0.05f, 0.1f * k});
            }
        }
        float[] onPts = flatten(on);
        assertArrayEquals(onPts, Visibility.filterVisible(onPts, List.of(view)), 0);
        assertEquals(0, Visibility.filterVisible(flatten(below), List.of(view)).length);
        // slightly above the plane (in front of it) is visible too
        assertEquals(1, Visibility.filterVisible(new float[] {0.1f, 0.02f, 0}, List.of(view)).length / 3);
    }

    @Test
    void pointsOutsideTheImageOrBehindTheCameraAreNotVisible() {
        DepthView view = groundPlaneView();
        Vector3f eye = view.camera().location();
        Vector3f back = eye.add(view.camera().direction().mult(-1f)); // behind the camera
        float[] pts = {
            30, 0, 0, // far to the side: outside the image
            back.x, back.y, back.z,
            0, 0, 0, // visible control
        };
        assertArrayEquals(new float[] {0, 0, 0}, Visibility.filterVisible(pts, List.of(view)), 0);
        assertEquals(0, Visibility.filterVisible(pts, List.of()).length);
        assertThrows(IllegalArgumentException.class, () -> new DepthView(view.camera(), new float[10]));
    }

    @Test
    void innerFacesOfOverlappingBoxesAreDropped() {
        float[] a = {-0.4f, -0.3f, -0.3f, 0.2f, 0.3f, 0.3f};
        float[] b = {0f, -0.15f, -0.2f, 0.45f, 0.35f, 0.2f};
        TriangleMesh union = TestMeshes.concat(TestMeshes.box(a[0], a[1], a[2], a[3], a[4], a[5]),
                TestMeshes.box(b[0], b[1], b[2], b[3], b[4], b[5]));
        List<DepthView> views = surroundingViews(union, 96);
        float[] samples = PointClouds.sampleSurface(union, 6000, 3);
        float[] kept = Visibility.filterVisible(samples, views);
        double margin = 0.03;
        int inner = 0, outer = 0, keptOuter = 0;
        // every sample lies on the surface of its own box (depth ~0 there); inner: deeper than margin inside the
        // other box; outer: outside the other box by more than margin
        for (int i = 0; i < samples.length; i += 3) {
            double da = insideDepth(a, samples, i), db = insideDepth(b, samples, i);
            if (Math.max(da, db) > margin) {
                inner++;
            } else if (Math.max(da, db) < 1e-4 && Math.min(da, db) < -margin) {
                outer++;
            }
        }
        for (int i = 0; i < kept.length; i += 3) {
            double da = insideDepth(a, kept, i), db = insideDepth(b, kept, i);
            assertTrue(Math.max(da, db) <= margin, "kept a hidden point " + kept[i] + ", " + kept[i + 1] + ", "
                    + kept[i + 2]);
            if (Math.max(da, db) < 1e-4 && Math.min(da, db) < -margin) {
                keptOuter++;
            }
        }
        assertTrue(inner > 200, "the raw samples include inner faces: " + inner);
        assertTrue(outer > 3000, "outer samples: " + outer);
        assertTrue(keptOuter >= 0.995 * outer, "kept " + keptOuter + " of " + outer + " outer points");
    }

    /** 14 views around the origin: the 6 axis directions and the 8 cube diagonals. */
    static List<DepthView> surroundingViews(TriangleMesh mesh, int size) {
        List<DepthView> views = new ArrayList<>();
        float[][] azEl = {{0, 0}, {90, 0}, {180, 0}, {270, 0}, {0, 90}, {0, -90}, {45, 35}, {135, 35}, {225, 35},
            {315, 35}, {45, -35}, {135, -35}, {225, -35}, {315, -35}};
        for (float[] ae : azEl) {
            PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 2.5f, ae[0], ae[1], 40f, size, size);
            views.add(new DepthView(cam, TestMeshes.rayCastDepth(cam, mesh)));
        }
        return views;
    }

    /** Signed distance inside an axis-aligned box {x0, y0, z0, x1, y1, z1}: positive inside, negative outside. */
    private static double insideDepth(float[] box, float[] pts, int i) {
        double d = Double.POSITIVE_INFINITY;
        for (int a = 0; a < 3; a++) {
            d = Math.min(d, Math.min(pts[i + a] - box[a], box[3 + a] - pts[i + a]));
        }
        return d;
    }

    private static float[] flatten(List<float[]> pts) {
        float[] out = new float[3 * pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            System.arraycopy(pts.get(i), 0, out, 3 * i, 3);
        }
        return out;
    }
}
