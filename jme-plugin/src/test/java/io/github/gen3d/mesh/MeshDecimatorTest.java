package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeshDecimatorTest {
    private static final float R = 2f;

    @Test
    void meetsBudgetAndKeepsSphereShapeAndColours() throws Exception {
        TriangleMesh sphere = MeshShapes.sphere(R, 48, 96);
        assertTrue(MeshCleanup.edgeReport(sphere).watertight());
        int budget = 1000;
        assertTrue(sphere.triangleCount() > 8 * budget, "fine input: " + sphere.triangleCount());
        long t0 = System.nanoTime();
        TriangleMesh dec = MeshDecimator.decimate(sphere, budget);
        double ms = (System.nanoTime() - t0) / 1e6;
        assertTrue(dec.triangleCount() <= budget, "budget met: " + dec.triangleCount());
        assertTrue(dec.triangleCount() >= budget * 8 / 10, "not over-simplified: " + dec.triangleCount());
        assertTrue(MeshCleanup.edgeReport(dec).watertight(), "edge collapse keeps a closed surface closed");

        // Chamfer: original vertices to the decimated surface, and decimated vertices to the original surface.
        // Bound from the chord sagitta of ~1000 triangles on radius R: edge l ~ sqrt(4 pi R^2 / 1000 * 4 / sqrt 3)
        double edge = Math.sqrt(4 * Math.PI * R * R / budget * 4 / Math.sqrt(3));
        double sagitta = edge * edge / (8 * R);
        double[] fwd = Geometry3.vertexToSurface(sphere, dec);
        double[] back = Geometry3.vertexToSurface(dec, sphere);
        double chamfer = Geometry3.mean(fwd) + Geometry3.mean(back);
        System.out.printf("decimate %d -> %d triangles in %.1f ms; chamfer %.5f, hausdorff %.5f, sagitta %.5f%n",
                sphere.triangleCount(), dec.triangleCount(), ms, chamfer, Geometry3.max(fwd), sagitta);
        assertTrue(chamfer < 2 * sagitta, "chamfer " + chamfer + " vs sagitta " + sagitta);
        assertTrue(Geometry3.max(fwd) < 4 * sagitta, "hausdorff " + Geometry3.max(fwd) + " vs " + sagitta);
        assertEquals(sphere.signedVolume(), dec.signedVolume(), 0.02 * sphere.signedVolume());

        // vertices are a subset of the input: their colours still encode their own direction
        for (int v = 0; v < dec.vertexCount(); v++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(0.5f + 0.5f * dec.positions()[3 * v + k] / R, dec.colours()[4 * v + k], 1e-5f);
            }
        }
    }

    @Test
    void lodLevelsShrinkWithinTheirBudgets() throws Exception {
        TriangleMesh sphere = MeshShapes.sphere(R, 24, 48);
        int[][] lods = MeshDecimator.lodIndices(sphere, 1f, 0.5f, 0.25f);
        assertEquals(3 * sphere.triangleCount(), lods[0].length);
        assertTrue(lods[1].length / 3 <= Math.round(0.5f * sphere.triangleCount()));
        assertTrue(lods[2].length / 3 <= Math.round(0.25f * sphere.triangleCount()));
        assertTrue(lods[2].length < lods[1].length && lods[1].length < lods[0].length);
        for (int[] level : lods) {
            for (int i : level) {
                assertTrue(i >= 0 && i < sphere.vertexCount());
            }
        }
    }

    @Test
    void manySmallClosedPiecesStillMeetTheBudget() throws Exception {
        // 1000 separate closed tetrahedra (4000 triangles) to 200 triangles: pieces must go away entirely
        java.util.Random rnd = new java.util.Random(9);
        int n = 1000;
        float[] p = new float[12 * n];
        int[] idx = new int[12 * n];
        int[] tet = {0, 2, 1, 0, 1, 3, 1, 2, 3, 0, 3, 2};
        for (int t = 0; t < n; t++) {
            float[] c = {rnd.nextFloat() * 10, rnd.nextFloat() * 10, rnd.nextFloat() * 10};
            float[] corners = {0, 0, 0, 0.1f, 0, 0, 0, 0.1f, 0, 0, 0, 0.1f};
            for (int k = 0; k < 12; k++) {
                p[12 * t + k] = corners[k] + c[k % 3];
                idx[12 * t + k] = 4 * t + tet[k];
            }
        }
        TriangleMesh pieces = new TriangleMesh(p, new float[p.length], new float[16 * n], idx);
        TriangleMesh dec = MeshDecimator.decimate(pieces, 200);
        assertTrue(dec.triangleCount() <= 200 && dec.triangleCount() > 0, "triangles " + dec.triangleCount());
    }

    @Test
    void sloppyFallbackMeetsBudgetAndRoughlyKeepsShape() throws Exception {
        TriangleMesh sphere = MeshShapes.sphere(R, 48, 96);
        int budget = 1000;
        int[] idx = MeshDecimator.simplify(sphere, budget, true);
        assertTrue(idx.length / 3 <= budget && idx.length / 3 > budget / 4, "triangles " + idx.length / 3);
        TriangleMesh dec = MeshCleanup.compact(
                new TriangleMesh(sphere.positions(), sphere.normals(), sphere.colours(), idx));
        // vertex clustering is coarser: allow a few edge lengths rather than a sagitta
        double edge = Math.sqrt(4 * Math.PI * R * R / budget * 4 / Math.sqrt(3));
        double chamfer = Geometry3.mean(Geometry3.vertexToSurface(sphere, dec))
                + Geometry3.mean(Geometry3.vertexToSurface(dec, sphere));
        assertTrue(chamfer < 0.5 * edge, "sloppy chamfer " + chamfer + " vs edge " + edge);
    }

    @Test
    void nonFinitePositionIsAnIOException() {
        TriangleMesh sphere = MeshShapes.sphere(R, 8, 16);
        float[] p = sphere.positions().clone();
        p[4] = Float.NaN;
        TriangleMesh bad = new TriangleMesh(p, sphere.normals(), sphere.colours(), sphere.indices());
        assertThrows(java.io.IOException.class, () -> MeshDecimator.decimate(bad, 10));
    }

    @Test
    void smallMeshIsReturnedAndBadBudgetRejected() throws Exception {
        TriangleMesh cube = MeshShapes.cube(0, 0, 0, 1, new float[] {1, 1, 1, 1});
        assertSame(cube, MeshDecimator.decimate(cube, 12));
        assertThrows(IllegalArgumentException.class, () -> MeshDecimator.decimate(cube, 0));
        assertThrows(IllegalArgumentException.class, () -> MeshDecimator.lodIndices(cube, 0f));
    }
}
