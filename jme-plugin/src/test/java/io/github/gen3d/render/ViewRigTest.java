package io.github.gen3d.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.Vector3f;
import com.jme3.renderer.Camera;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewRigTest {

    private static void assertVec(Vector3f expected, Vector3f actual, float tol, String what) {
        assertTrue(expected.distance(actual) <= tol, what + ": expected " + expected + " got " + actual);
    }

    @Test
    void targetViewsAreTheFourOrthogonalGen3DiffusionCameras() {
        List<PinholeCamera> cams = ViewRig.targetViews(256, 256);
        assertEquals(4, cams.size());
        // relative azimuth 0 is the input view on +Z; 90 on +X; 180 on -Z; 270 on -X (radius 1.5, elevation 0)
        Vector3f[] eyes = {new Vector3f(0, 0, 1.5f), new Vector3f(1.5f, 0, 0), new Vector3f(0, 0, -1.5f),
            new Vector3f(-1.5f, 0, 0)};
        for (int k = 0; k < 4; k++) {
            PinholeCamera c = cams.get(k);
            assertVec(eyes[k], c.location(), 1e-5f, "eye " + k);
            assertVec(eyes[k].negate().normalizeLocal(), c.direction(), 1e-6f, "looks at the origin " + k);
            assertEquals(49.1f, c.fovYDegrees(), 1e-4f);
            assertEquals(0.5f, c.near(), 0f);
            assertEquals(2.5f, c.far(), 0f);
            // fy = H / (2 tan(fovY/2)) by hand: 256 / (2 tan 24.55°)
            assertEquals(256 / (2 * Math.tan(Math.toRadians(24.55))), c.fy(), 1e-3);
            assertEquals(c.fx(), c.fy(), 0f);
            Vector3f centre = c.project(Vector3f.ZERO, null);
            assertEquals(128f, centre.x, 1e-3f);
            assertEquals(128f, centre.y, 1e-3f);
            assertEquals(1.5f, centre.z, 1e-5f);
            // +Y is up in every view: a point above the origin is above the centre (smaller row)
            assertTrue(c.project(new Vector3f(0, 0.3f, 0), null).y < 128f - 10);
        }
        // seen from the input view, +X is to the right; from the +X view, -Z (the input view's far side) is on the
        // right
        assertTrue(cams.get(0).project(new Vector3f(0.3f, 0, 0), null).x > 138f);
        assertTrue(cams.get(1).project(new Vector3f(0, 0, -0.3f), null).x > 138f);
    }

    @Test
    void targetViewsConvertToJmeCameras() {
        for (PinholeCamera c : ViewRig.targetViews(128, 96)) {
            Camera jme = c.toJme();
            assertVec(c.location(), jme.getLocation(), 1e-6f, "location");
            assertVec(c.direction(), jme.getDirection(), 1e-5f, "direction");
            assertVec(Vector3f.UNIT_Y, jme.getUp(), 1e-5f, "up");
            assertEquals(128, jme.getWidth());
            assertEquals(96, jme.getHeight());
            // the jME frustum has the same vertical field of view: tan(fovY/2) = top / near
            assertEquals(Math.tan(Math.toRadians(49.1 / 2)), jme.getFrustumTop() / jme.getFrustumNear(), 1e-5);
            // and jME's screen position of a point agrees with project() (its screen y is bottom-up)
            Vector3f p = new Vector3f(0.2f, -0.1f, 0.15f);
            Vector3f s = jme.getScreenCoordinates(p);
            Vector3f uv = c.project(p, null);
            assertEquals(s.x, uv.x, 1e-2f);
            assertEquals(96 - s.y, uv.y, 1e-2f);
        }
    }

    @Test
    void orbitSetsAreEvenlySpacedAtOneElevation() {
        int n = 24;
        float el = 20f;
        List<PinholeCamera> cams = ViewRig.orbit(n, el, 64, 64);
        assertEquals(n, cams.size());
        double y = 1.5 * Math.sin(Math.toRadians(el)), ring = 1.5 * Math.cos(Math.toRadians(el));
        for (int i = 0; i < n; i++) {
            double az = Math.toRadians(360.0 * i / n);
            Vector3f expected = new Vector3f((float) (ring * Math.sin(az)), (float) y, (float) (ring * Math.cos(az)));
            assertVec(expected, cams.get(i).location(), 1e-5f, "eye " + i);
            Vector3f c = cams.get(i).project(Vector3f.ZERO, null);
            assertEquals(32f, c.x, 1e-3f);
            assertEquals(32f, c.y, 1e-3f);
        }
        // the first four of a 4-orbit at elevation 0 are the target views
        List<PinholeCamera> four = ViewRig.orbit(4, 0, 64, 64);
        List<PinholeCamera> targets = ViewRig.targetViews(64, 64);
        for (int k = 0; k < 4; k++) {
            assertVec(targets.get(k).location(), four.get(k).location(), 1e-6f, "orbit vs targets " + k);
        }
    }

    @Test
    void customViewsScaleTheClipPlanesWithTheRadius() {
        List<PinholeCamera> cams = ViewRig.views(new float[] {45f, -30f}, new float[] {-10f, 90f}, 3f, 30f, 32, 16);
        assertEquals(2, cams.size());
        assertEquals(1.0f, cams.get(0).near(), 1e-6f);
        assertEquals(5.0f, cams.get(0).far(), 1e-6f);
        assertEquals(3f, cams.get(1).location().length(), 1e-5f);
        assertEquals(3f, cams.get(1).location().y, 1e-5f, "elevation 90 is straight above");
        assertEquals(30f, cams.get(0).fovYDegrees(), 1e-4f);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ViewRig.orbit(0, 0, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> ViewRig.orbit(3, 91, 8, 8));
        assertThrows(IllegalArgumentException.class,
                () -> ViewRig.views(new float[] {0}, new float[] {0, 1}, 1, 40, 8, 8));
        assertThrows(IllegalArgumentException.class,
                () -> ViewRig.views(new float[] {0}, new float[] {0}, 0, 40, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> ViewRig.targetViews(0, 8));
        assertThrows(UnsupportedOperationException.class, () -> ViewRig.targetViews(8, 8).clear());
    }
}
