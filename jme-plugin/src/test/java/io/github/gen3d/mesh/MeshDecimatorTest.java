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
    void smallMeshIsReturnedAndBadBudgetRejected() throws Exception {
        TriangleMesh cube = MeshShapes.cube(0, 0, 0, 1, new float[] {1, 1, 1, 1});
        assertSame(cube, MeshDecimator.decimate(cube, 12));
        assertThrows(IllegalArgumentException.class, () -> MeshDecimator.decimate(cube, 0));
        assertThrows(IllegalArgumentException.class, () -> MeshDecimator.lodIndices(cube, 0f));
    }
}
