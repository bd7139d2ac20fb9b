package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class MarchingCubesTest {
    interface Sdf {
        double at(double x, double y, double z);
    }

    static TriangleMesh sample(Sdf f, int n, double half) {
        float voxel = (float) (2 * half / (n - 1));
        float[] v = new float[n * n * n];
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    v[x + n * (y + n * z)] = (float) f.at(-half + voxel * x, -half + voxel * y, -half + voxel * z);
                }
            }
        }
        return MarchingCubes.extract(v, null, null, n, n, n, new float[] {(float) -half, (float) -half,
                (float) -half}, voxel);
    }

    @Test
    void tablesCoverExactlyTheCrossedEdges() {
        for (int cas = 0; cas < 256; cas++) {
            boolean[] crossed = new boolean[12];
            for (int e = 0; e < 12; e++) {
                int[] c = MarchingCubesTables.EDGE_CORNERS[e];
                crossed[e] = ((cas >> c[0]) & 1) != ((cas >> c[1]) & 1);
            }
            boolean[] used = new boolean[12];
            for (int e : MarchingCubesTables.TRIANGLES[cas]) {
                assertTrue(crossed[e], "case " + cas + " uses uncrossed edge " + e);
                used[e] = true;
            }
            for (int e = 0; e < 12; e++) {
                assertEquals(crossed[e], used[e], "case " + cas + " edge " + e);
            }
        }
        assertEquals(0, MarchingCubesTables.TRIANGLES[0].length);
        assertEquals(0, MarchingCubesTables.TRIANGLES[255].length);
        assertEquals(3, MarchingCubesTables.TRIANGLES[1].length);
    }

    @Test
    void sphereAreaVolumeWatertightOutward() {
        double r = 0.8;
        TriangleMesh m = sample((x, y, z) -> Math.sqrt(x * x + y * y + z * z) - r, 96, 1.0);
        assertNull(MeshChecks.watertightProblem(m));
        double area = 4 * Math.PI * r * r, vol = 4.0 / 3 * Math.PI * r * r * r;
        assertEquals(area, m.area(), 0.01 * area, "area");
        assertEquals(vol, m.signedVolume(), 0.01 * vol, "volume");
        checkOutward(m, p -> p);
        // Euler characteristic of a sphere: V - E + F = 2, E = 3F/2
        assertEquals(2, m.vertexCount() - m.triangleCount() * 3 / 2 + m.triangleCount());
    }

    @Test
    void torusAreaVolumeWatertightOutward() {
        double big = 0.6, small = 0.25;
        TriangleMesh m = sample((x, y, z) -> {
            double q = Math.sqrt(x * x + z * z) - big;
            return Math.sqrt(q * q + y * y) - small;
        }, 96, 1.0);
        assertNull(MeshChecks.watertightProblem(m));
        double area = 4 * Math.PI * Math.PI * big * small, vol = 2 * Math.PI * Math.PI * big * small * small;
        assertEquals(area, m.area(), 0.01 * area, "area");
        assertEquals(vol, m.signedVolume(), 0.01 * vol, "volume");
        // Euler characteristic of a torus: 0
        assertEquals(0, m.vertexCount() - m.triangleCount() * 3 / 2 + m.triangleCount());
        checkOutward(m, p -> {
            double rho = Math.sqrt(p[0] * p[0] + p[2] * p[2]);
            return new double[] {p[0] - big * p[0] / rho, p[1], p[2] - big * p[2] / rho};
        });
    }

    /** Vertex normals and triangle normals both point along the analytic outward direction. */
    private static void checkOutward(TriangleMesh m, java.util.function.Function<double[], double[]> outward) {
        float[] p = m.positions(), n = m.normals();
        for (int i = 0; i < m.vertexCount(); i++) {
            double[] d = outward.apply(new double[] {p[3 * i], p[3 * i + 1], p[3 * i + 2]});
            double dot = d[0] * n[3 * i] + d[1] * n[3 * i + 1] + d[2] * n[3 * i + 2];
            assertTrue(dot > 0, "vertex normal " + i + " points inward");
        }
        int[] t = m.indices();
        for (int i = 0; i < t.length; i += 3) {
            int a = 3 * t[i], b = 3 * t[i + 1], c = 3 * t[i + 2];
            double ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
            double vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
            double fx = uy * vz - uz * vy, fy = uz * vx - ux * vz, fz = ux * vy - uy * vx;
            double[] d = outward.apply(new double[] {(p[a] + p[b] + p[c]) / 3, (p[a + 1] + p[b + 1] + p[c + 1]) / 3,
                    (p[a + 2] + p[b + 2] + p[c + 2]) / 3});
            assertTrue(fx * d[0] + fy * d[1] + fz * d[2] > 0, "triangle " + i / 3 + " wound inward");
        }
    }

    @Test
    void ambiguousCheckerboardIsWatertight() {
        // noisy field with many ambiguous faces: the shared-face rule must still close every surface
        java.util.Random r = new java.util.Random(7);
        int n = 12;
        float[] v = new float[n * n * n];
        for (int i = 0; i < v.length; i++) {
            int x = i % n, y = (i / n) % n, z = i / (n * n);
            boolean border = x == 0 || y == 0 || z == 0 || x == n - 1 || y == n - 1 || z == n - 1;
            v[i] = border ? 1 : (float) (r.nextDouble() - 0.5);
        }
        TriangleMesh m = MarchingCubes.extract(v, null, null, n, n, n, new float[3], 1);
        assertTrue(m.triangleCount() > 100);
        assertNull(MeshChecks.watertightProblem(m));
    }

    @Test
    void weightsSkipUnobservedCubesAndColoursInterpolate() {
        int n = 4;
        float[] v = new float[n * n * n], w = new float[v.length], col = new float[3 * v.length];
        for (int i = 0; i < v.length; i++) {
            int x = i % n;
            v[i] = x - 1.25f; // plane at x = 1.25
            w[i] = 1;
            col[3 * i] = x; // red channel = x
        }
        TriangleMesh all = MarchingCubes.extract(v, w, col, n, n, n, new float[3], 1);
        assertEquals(2 * 3 * 3, all.triangleCount());
        for (int i = 0; i < all.vertexCount(); i++) {
            assertEquals(1.25f, all.positions()[3 * i], 1e-6f);
            assertEquals(1.25f, all.colours()[4 * i], 1e-6f);
            assertEquals(1f, all.normals()[3 * i], 1e-6f);
        }
        w[1 + n * (1 + n)] = 0; // one unobserved point near the plane removes the 4 cubes around it
        assertEquals(2 * 3 * 3 - 2 * 4, MarchingCubes.extract(v, w, col, n, n, n, new float[3], 1).triangleCount());
        assertThrows(IllegalArgumentException.class,
                () -> MarchingCubes.extract(v, null, null, n, n, n + 1, new float[3], 1));
    }
}
