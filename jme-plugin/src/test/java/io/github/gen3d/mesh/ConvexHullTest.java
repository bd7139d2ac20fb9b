package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConvexHullTest {

    /** Every input point lies inside or on every hull face plane (within tol), the hull is closed and outward. */
    private static void checkHull(float[] pts, ConvexHull hull, double tol) {
        float[] v = hull.vertices();
        int[] idx = hull.indices();
        for (int t = 0; t < idx.length; t += 3) {
            double[] a = {v[3 * idx[t]], v[3 * idx[t] + 1], v[3 * idx[t] + 2]};
            double[] b = {v[3 * idx[t + 1]], v[3 * idx[t + 1] + 1], v[3 * idx[t + 1] + 2]};
            double[] c = {v[3 * idx[t + 2]], v[3 * idx[t + 2] + 1], v[3 * idx[t + 2] + 2]};
            double[] u = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
            double[] w = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
            double[] nrm = {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
            double len = Math.sqrt(nrm[0] * nrm[0] + nrm[1] * nrm[1] + nrm[2] * nrm[2]);
            assertTrue(len > 0, "no zero-area hull face");
            for (int i = 0; i < pts.length / 3; i++) {
                double dist = ((pts[3 * i] - a[0]) * nrm[0] + (pts[3 * i + 1] - a[1]) * nrm[1]
                        + (pts[3 * i + 2] - a[2]) * nrm[2]) / len;
                assertTrue(dist <= tol, "point " + i + " is " + dist + " outside face " + t / 3);
            }
        }
        // hull vertices are input points
        Set<String> input = new HashSet<>();
        for (int i = 0; i < pts.length / 3; i++) {
            input.add(pts[3 * i] + "," + pts[3 * i + 1] + "," + pts[3 * i + 2]);
        }
        for (int i = 0; i < hull.vertexCount(); i++) {
            assertTrue(input.contains(v[3 * i] + "," + v[3 * i + 1] + "," + v[3 * i + 2]));
        }
        TriangleMesh m = new TriangleMesh(v, new float[v.length], new float[4 * hull.vertexCount()], idx);
        MeshCleanup.EdgeReport r = MeshCleanup.edgeReport(m);
        assertTrue(r.watertight(), "closed hull: " + r);
        assertEquals(2, hull.vertexCount() - r.edges() + idx.length / 3, "Euler characteristic of a sphere");
        assertTrue(m.signedVolume() > 0, "outward winding");
    }

    @Test
    void cubeCloudHasExactlyTheEightCorners() {
        float[] pts = cubeCloud(false);
        ConvexHull hull = ConvexHull.of(pts);
        assertEquals(8, hull.vertexCount());
        assertEquals(12, hull.indices().length / 3);
        checkHull(pts, hull, 1e-6);
        TriangleMesh m = new TriangleMesh(hull.vertices(), new float[24], new float[32], hull.indices());
        assertEquals(8.0, m.signedVolume(), 1e-6);
    }

    @Test
    void pointsOnCubeFacesStayInside() {
        // points exactly on the final faces may be picked up before the corners are (no coplanar-face merging),
        // but the hull still has the cube's volume and contains every point
        float[] pts = cubeCloud(true);
        ConvexHull hull = ConvexHull.of(pts);
        assertTrue(hull.vertexCount() >= 8 && hull.vertexCount() < 40, "vertices " + hull.vertexCount());
        checkHull(pts, hull, 1e-6);
        TriangleMesh m = new TriangleMesh(hull.vertices(), new float[3 * hull.vertexCount()],
                new float[4 * hull.vertexCount()], hull.indices());
        assertEquals(8.0, m.signedVolume(), 1e-5);
    }

    private static float[] cubeCloud(boolean onFaces) {
        Random rnd = new Random(3);
        int n = 2000;
        float[] pts = new float[3 * (n + 8)];
        for (int i = 0; i < 3 * n; i++) {
            pts[i] = rnd.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < (onFaces ? 200 : 0); i++) {
            pts[3 * i + rnd.nextInt(3)] = rnd.nextBoolean() ? 1 : -1;
        }
        for (int k = 0; k < 8; k++) {
            pts[3 * (n + k)] = (k & 1) == 0 ? -1 : 1;
            pts[3 * (n + k) + 1] = (k & 2) == 0 ? -1 : 1;
            pts[3 * (n + k) + 2] = (k & 4) == 0 ? -1 : 1;
        }
        return pts;
    }

    @Test
    void pointsOnASphereAreAllOnTheHull() {
        Random rnd = new Random(11);
        int n = 1500;
        float[] pts = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double x = rnd.nextGaussian();
            double y = rnd.nextGaussian();
            double z = rnd.nextGaussian();
            double l = Math.sqrt(x * x + y * y + z * z);
            pts[3 * i] = (float) (3 * x / l);
            pts[3 * i + 1] = (float) (3 * y / l);
            pts[3 * i + 2] = (float) (3 * z / l);
        }
        ConvexHull hull = ConvexHull.of(pts);
        assertEquals(n, hull.vertexCount());
        assertEquals(2 * n - 4, hull.indices().length / 3, "a triangulated sphere with n vertices has 2n - 4 faces");
        checkHull(pts, hull, 1e-5);
    }

    @Test
    void sphereMeshVerticesAndGaussianCloud() {
        TriangleMesh sphere = MeshShapes.sphere(1.5f, 20, 40);
        ConvexHull hull = ConvexHull.of(sphere.positions());
        checkHull(sphere.positions(), hull, 1e-5);
        Random rnd = new Random(5);
        float[] cloud = new float[3 * 5000];
        for (int i = 0; i < cloud.length; i++) {
            cloud[i] = (float) rnd.nextGaussian() * (i % 3 + 1);
        }
        checkHull(cloud, ConvexHull.of(cloud), 1e-5);
    }

    @Test
    void integerLatticeIsHandled() {
        // 10 x 10 x 10 lattice: massively coplanar and cospherical input
        float[] pts = new float[3 * 1000];
        for (int i = 0; i < 1000; i++) {
            pts[3 * i] = i % 10;
            pts[3 * i + 1] = (i / 10) % 10;
            pts[3 * i + 2] = i / 100;
        }
        ConvexHull hull = ConvexHull.of(pts);
        checkHull(pts, hull, 1e-6);
        TriangleMesh m = new TriangleMesh(hull.vertices(), new float[3 * hull.vertexCount()],
                new float[4 * hull.vertexCount()], hull.indices());
        assertEquals(729.0, m.signedVolume(), 1e-6);
    }

    @Test
    void degenerateInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ConvexHull.of(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}));
        float[] flat = new float[3 * 50];
        Random rnd = new Random(1);
        for (int i = 0; i < 50; i++) {
            flat[3 * i] = rnd.nextFloat();
            flat[3 * i + 1] = rnd.nextFloat();
        }
        assertThrows(IllegalArgumentException.class, () -> ConvexHull.of(flat));
        float[] nan = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, Float.NaN};
        assertThrows(IllegalArgumentException.class, () -> ConvexHull.of(nan));
    }
}
