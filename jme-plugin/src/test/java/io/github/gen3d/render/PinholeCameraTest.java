package io.github.gen3d.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.Matrix4f;
import com.jme3.math.Quaternion;
import com.jme3.math.Vector3f;
import com.jme3.renderer.Camera;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PinholeCameraTest {

    private static Camera jmeCamera(int w, int h, float fovY, Vector3f eye, Vector3f target) {
        Camera cam = new Camera(w, h);
        cam.setFrustumPerspective(fovY, (float) w / h, 0.5f, 200f);
        cam.setLocation(eye);
        cam.lookAt(target, Vector3f.UNIT_Y);
        return cam;
    }

    /** jME's own projection (screen y bottom-up) agrees with project() (row 0 at the top). */
    private static void assertAgreesWithJme(Camera jme, PinholeCamera pc, long seed) {
        Random rnd = new Random(seed);
        Vector3f loc = jme.getLocation();
        Vector3f dir = jme.getDirection();
        int checked = 0;
        for (int k = 0; k < 200; k++) {
            Vector3f p = new Vector3f(rnd.nextFloat() * 4 - 2, rnd.nextFloat() * 4 - 2, rnd.nextFloat() * 4 - 2);
            float depth = p.subtract(loc).dot(dir);
            if (depth < 1f) {
                continue;
            }
            Vector3f s = jme.getScreenCoordinates(p);
            Vector3f uvz = pc.project(p, null);
            assertEquals(s.x, uvz.x, 2e-3f, "u of " + p);
            assertEquals(jme.getHeight() - s.y, uvz.y, 2e-3f, "v of " + p);
            assertEquals(depth, uvz.z, 1e-4f, "depth of " + p);
            checked++;
        }
        assertTrue(checked > 50, "too few points in front: " + checked);
    }

    @Test
    void fromJmeAgreesWithJmeScreenCoordinates() {
        Camera jme = jmeCamera(320, 240, 50f, new Vector3f(1.5f, 2f, 6f), new Vector3f(0, 0.3f, 0));
        PinholeCamera pc = PinholeCamera.fromJme(jme);
        float f = (float) (240 / (2 * Math.tan(Math.toRadians(25))));
        assertEquals(f, pc.fy(), 1e-3f);
        assertEquals(f, pc.fx(), 1e-3f);
        assertEquals(160f, pc.cx(), 1e-4f);
        assertEquals(120f, pc.cy(), 1e-4f);
        assertEquals(50f, pc.fovYDegrees(), 1e-4f);
        assertEquals(0.5f, pc.near(), 0f);
        assertAgreesWithJme(jme, pc, 1);
    }

    @Test
    void offCentreFrustumAgreesWithJme() {
        Camera jme = new Camera(200, 150);
        // asymmetric frustum with non-square pixels
        jme.setFrustum(0.3f, 100f, -0.25f, 0.15f, 0.2f, -0.1f);
        jme.setParallelProjection(false);
        jme.setLocation(new Vector3f(-1f, 0.5f, 4f));
        jme.lookAt(new Vector3f(0.2f, 0, 0), Vector3f.UNIT_Y);
        PinholeCamera pc = PinholeCamera.fromJme(jme);
        assertAgreesWithJme(jme, pc, 2);
        Camera back = pc.toJme();
        assertEquals(-0.25f, back.getFrustumLeft(), 1e-6f);
        assertEquals(0.15f, back.getFrustumRight(), 1e-6f);
        assertEquals(0.2f, back.getFrustumTop(), 1e-6f);
        assertEquals(-0.1f, back.getFrustumBottom(), 1e-6f);
        assertAgreesWithJme(back, pc, 3);
    }

    @Test
    void jmeRoundTrip() {
        Camera jme = jmeCamera(256, 192, 40f, new Vector3f(0.3f, -1f, 3f), new Vector3f(0.1f, 0.2f, -0.4f));
        PinholeCamera pc = PinholeCamera.fromJme(jme);
        Camera back = pc.toJme();
        assertEquals(256, back.getWidth());
        assertEquals(192, back.getHeight());
        assertEquals(jme.getFrustumNear(), back.getFrustumNear(), 1e-6f);
        assertEquals(jme.getFrustumFar(), back.getFrustumFar(), 1e-3f);
        assertEquals(jme.getFrustumTop(), back.getFrustumTop(), 1e-6f);
        assertEquals(jme.getFrustumBottom(), back.getFrustumBottom(), 1e-6f);
        assertEquals(jme.getFrustumLeft(), back.getFrustumLeft(), 1e-6f);
        assertEquals(jme.getFrustumRight(), back.getFrustumRight(), 1e-6f);
        assertTrue(jme.getLocation().distance(back.getLocation()) < 1e-6f);
        assertEquals(1f, Math.abs(jme.getRotation().dot(back.getRotation())), 1e-6f);
        PinholeCamera again = PinholeCamera.fromJme(back);
        assertEquals(pc.fx(), again.fx(), 1e-3f);
        assertEquals(pc.fy(), again.fy(), 1e-3f);
        assertEquals(pc.cx(), again.cx(), 1e-3f);
        assertEquals(pc.cy(), again.cy(), 1e-3f);
        // the view matrix matches jME's own
        assertMatrixEquals(jme.getViewMatrix(), pc.viewMatrix(), 1e-5f);
    }

    @Test
    void lookAtProjectsTargetToCentreWithTopRowUp() {
        Vector3f eye = new Vector3f(2, 1, 3);
        Vector3f target = new Vector3f(0.5f, 0.2f, -0.3f);
        PinholeCamera pc = PinholeCamera.lookAt(eye, target, Vector3f.UNIT_Y, 60, 101, 81);
        Vector3f c = pc.project(target, null);
        assertEquals(50.5f, c.x, 1e-3f);
        assertEquals(40.5f, c.y, 1e-3f);
        assertEquals(eye.distance(target), c.z, 1e-5f);
        // a point above the target appears higher in the picture: smaller v
        Vector3f above = pc.project(target.add(0, 0.1f, 0), null);
        assertTrue(above.y < c.y, "above: " + above + " vs " + c);
        // the camera's right: direction × up
        Vector3f right = pc.direction().cross(Vector3f.UNIT_Y).normalizeLocal();
        Vector3f r = pc.project(target.add(right.mult(0.1f)), null);
        assertTrue(r.x > c.x, "right: " + r + " vs " + c);
        assertEquals(c.y, r.y, 1e-3f);
        // agrees with a jME camera built with jME's own lookAt
        Camera jme = jmeCamera(101, 81, 60, eye, target);
        jme.setFrustumPerspective(60, 101f / 81, PinholeCamera.DEFAULT_NEAR, PinholeCamera.DEFAULT_FAR);
        assertAgreesWithJme(jme, pc, 4);
        assertAgreesWithJme(pc.toJme(), pc, 5);
    }

    @Test
    void orbitConventions() {
        Vector3f target = new Vector3f(0.1f, 0.2f, 0.3f);
        PinholeCamera front = PinholeCamera.orbit(target, 2f, 0, 0, 45, 64, 64);
        assertVec(target.add(0, 0, 2), front.location(), 1e-5f);
        assertVec(new Vector3f(0, 0, -1), front.direction(), 1e-6f);
        // jME's default camera orientation (looking down −Z) is the identity-like one with left = −X
        Camera jmeDefault = new Camera(64, 64);
        jmeDefault.lookAtDirection(new Vector3f(0, 0, -1), Vector3f.UNIT_Y);
        assertEquals(1f, Math.abs(jmeDefault.getRotation().dot(front.rotation())), 1e-6f);

        // azimuth 90: on the +X side (counter-clockwise seen from above)
        PinholeCamera side = PinholeCamera.orbit(target, 2f, 90, 0, 45, 64, 64);
        assertVec(target.add(2, 0, 0), side.location(), 1e-5f);
        // elevation 30: above, looking down
        PinholeCamera high = PinholeCamera.orbit(target, 2f, 0, 30, 45, 64, 64);
        assertVec(target.add(0, 1f, (float) Math.sqrt(3)), high.location(), 1e-5f);
        assertTrue(high.direction().y < 0);
        // straight above is still a valid camera, and every orbit view sees the target in the centre
        for (float el : new float[] {-90, -30, 0, 45, 90}) {
            for (float az : new float[] {0, 45, 180, 270}) {
                PinholeCamera pc = PinholeCamera.orbit(target, 3f, az, el, 45, 64, 48);
                Vector3f c = pc.project(target, null);
                assertEquals(32f, c.x, 1e-3f);
                assertEquals(24f, c.y, 1e-3f);
                assertEquals(3f, c.z, 1e-4f);
                // world +Y projects upwards (or onto the centre line at ±90°)
                Vector3f up = pc.project(target.add(0, 0.1f, 0), null);
                assertTrue(up.y <= c.y + 1e-3f, "el " + el + " az " + az);
            }
        }
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class,
                () -> PinholeCamera.lookAt(Vector3f.ZERO, Vector3f.UNIT_Y, Vector3f.UNIT_Y, 45, 10, 10));
        assertThrows(IllegalArgumentException.class,
                () -> PinholeCamera.lookAt(Vector3f.ZERO, Vector3f.ZERO, Vector3f.UNIT_Y, 45, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> PinholeCamera.orbit(Vector3f.ZERO, 1, 0, 0, 0, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> PinholeCamera.orbit(Vector3f.ZERO, 0, 0, 0, 45, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> PinholeCamera.orbit(Vector3f.ZERO, 1, 0, 0, 45, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> PinholeCamera.of(10, 10, 5, 5, 5, 5, Vector3f.ZERO,
                new Quaternion(0, 0, 0, 0), 0.1f, 10));
        assertThrows(IllegalArgumentException.class, () -> PinholeCamera.of(10, 10, 5, 5, 5, 5, Vector3f.ZERO,
                new Quaternion(), 0f, 10));
        Camera par = new Camera(10, 10);
        par.setParallelProjection(true);
        assertThrows(IllegalArgumentException.class, () -> PinholeCamera.fromJme(par));
    }

    @Test
    void isImmutable() {
        Vector3f eye = new Vector3f(0, 0, 5);
        PinholeCamera pc = PinholeCamera.lookAt(eye, Vector3f.ZERO, Vector3f.UNIT_Y, 45, 32, 32);
        eye.set(9, 9, 9);
        pc.location().set(7, 7, 7);
        pc.rotation().set(1, 2, 3, 4);
        assertVec(new Vector3f(0, 0, 5), pc.location(), 0f);
        assertEquals(16f, pc.project(Vector3f.ZERO, null).x, 1e-4f);
    }

    private static void assertVec(Vector3f expected, Vector3f actual, float tol) {
        assertTrue(expected.distance(actual) <= tol, "expected " + expected + " got " + actual);
    }

    private static void assertMatrixEquals(Matrix4f a, Matrix4f b, float tol) {
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(a.get(r, c), b.get(r, c), tol, "(" + r + "," + c + ")\n" + a + "\n" + b);
            }
        }
    }
}
