package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MeshCleanupTest {
    private static final float[] RED = {1, 0, 0, 1};
    private static final float[] BLUE = {0, 0, 1, 1};

    @Test
    void mergesCubeCornersAndBecomesWatertight() {
        TriangleMesh cube = MeshShapes.cube(0, 0, 0, 1, RED);
        assertEquals(24, cube.vertexCount());
        // unmerged: every edge is used once in each of two unconnected faces -> 6 faces * 4 rim edges are boundary
        // except the diagonal inside each face (shared by the face's two triangles)
        MeshCleanup.EdgeReport raw = MeshCleanup.edgeReport(cube);
        assertEquals(6 * 5, raw.edges());
        assertEquals(6 * 4, raw.boundaryEdges());
        assertFalse(raw.watertight());

        TriangleMesh merged = MeshCleanup.mergeVertices(cube, 1e-4f);
        assertEquals(8, merged.vertexCount());
        assertEquals(12, merged.triangleCount());
        MeshCleanup.EdgeReport r = MeshCleanup.edgeReport(merged);
        // closed cube: 12 cube edges + 6 diagonals, Euler V - E + F = 8 - 18 + 12 = 2
        assertEquals(18, r.edges());
        assertTrue(r.watertight());
        // each corner's normal is the mean of three axis normals: (±1,±1,±1)/sqrt(3), pointing out of the corner
        for (int v = 0; v < 8; v++) {
            for (int k = 0; k < 3; k++) {
                float pos = merged.positions()[3 * v + k];
                assertEquals(Math.signum(pos) / Math.sqrt(3), merged.normals()[3 * v + k], 1e-6);
            }
        }
        assertEquals(8.0, merged.signedVolume(), 1e-9);
    }

    @Test
    void cubeWithHoleReportsItsRim() {
        TriangleMesh holed = MeshCleanup.mergeVertices(MeshShapes.withoutTriangle(MeshShapes.cube(0, 0, 0, 1, RED), 4),
                1e-4f);
        MeshCleanup.EdgeReport r = MeshCleanup.edgeReport(holed);
        assertEquals(3, r.boundaryEdges());
        assertEquals(0, r.nonManifoldEdges());
        assertFalse(r.watertight());
    }

    @Test
    void dropsTinyCubeByAreaAndByTriangleCount() {
        TriangleMesh big = MeshShapes.cube(0, 0, 0, 1, RED);
        TriangleMesh tiny = MeshShapes.cube(5, 0, 0, 0.01f, BLUE);
        TriangleMesh both = MeshCleanup.mergeVertices(MeshShapes.concat(big, tiny), 1e-4f);
        assertEquals(2, MeshCleanup.componentCount(both));
        // tiny area = 6 * 0.02^2 = 0.0024 of total 24.0024: below 1 %
        TriangleMesh byArea = MeshCleanup.dropSmallComponents(both, 0, 0.01);
        assertEquals(1, MeshCleanup.componentCount(byArea));
        assertEquals(8, byArea.vertexCount());
        assertEquals(12, byArea.triangleCount());
        for (int v = 0; v < byArea.vertexCount(); v++) {
            assertEquals(1f, byArea.colours()[4 * v], "only the red cube is left");
            assertEquals(1f, Math.abs(byArea.positions()[3 * v]), 1e-6);
        }
        // both cubes have 12 triangles: a 13-triangle minimum drops both, 12 keeps both
        assertEquals(0, MeshCleanup.dropSmallComponents(both, 13, 0).triangleCount());
        assertEquals(24, MeshCleanup.dropSmallComponents(both, 12, 0).triangleCount());
        // whole chain on the unmerged input
        TriangleMesh cleaned = MeshCleanup.clean(MeshShapes.concat(big, tiny), 1e-4f, 0, 0.01);
        assertTrue(MeshCleanup.edgeReport(cleaned).watertight());
        assertEquals(12, cleaned.triangleCount());
    }

    @Test
    void dropsDegenerateTriangles() {
        float[] p = {0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 0, 0};
        float[] n = new float[12];
        float[] c = new float[16];
        // good, repeated index, collinear (zero area), good again
        int[] idx = {0, 1, 2, 0, 0, 1, 0, 1, 3, 2, 0, 1};
        TriangleMesh m = MeshCleanup.dropDegenerate(new TriangleMesh(p, n, c, idx));
        assertEquals(2, m.triangleCount());
        assertEquals(3, m.vertexCount(), "vertex 3 only fed the collinear triangle");
        assertArrayEquals(new int[] {0, 1, 2, 2, 0, 1}, m.indices());
    }

    @Test
    void gridMergeMatchesReference() {
        Random rnd = new Random(7);
        int n = 3000;
        float[] p = new float[3 * n];
        float[] nn = new float[3 * n];
        float[] c = new float[4 * n];
        for (int i = 0; i < n; i++) {
            // many near-duplicates: points on a coarse lattice plus small jitter
            for (int k = 0; k < 3; k++) {
                p[3 * i + k] = rnd.nextInt(8) * 0.1f + (float) rnd.nextGaussian() * 0.004f;
                nn[3 * i + k] = (float) rnd.nextGaussian();
            }
            for (int k = 0; k < 4; k++) {
                c[4 * i + k] = rnd.nextFloat();
            }
        }
        int[] idx = new int[3 * (n - 2)];
        for (int t = 0; t < n - 2; t++) {
            idx[3 * t] = t;
            idx[3 * t + 1] = t + 1;
            idx[3 * t + 2] = t + 2;
        }
        TriangleMesh m = new TriangleMesh(p, nn, c, idx);
        TriangleMesh fast = MeshCleanup.mergeVertices(m, 0.01f);
        TriangleMesh ref = MeshCleanup.mergeVerticesReference(m, 0.01f);
        assertTrue(fast.vertexCount() < n / 2, "the lattice makes many merges: " + fast.vertexCount());
        assertEquals(ref, fast);
    }

    @Test
    void rejectsBadArguments() {
        TriangleMesh cube = MeshShapes.cube(0, 0, 0, 1, RED);
        assertThrows(IllegalArgumentException.class, () -> MeshCleanup.mergeVertices(cube, 0));
        assertThrows(IllegalArgumentException.class, () -> MeshCleanup.mergeVertices(cube, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> MeshCleanup.dropSmallComponents(cube, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> MeshCleanup.dropSmallComponents(cube, 0, 2));
    }
}
