package io.github.gen3d.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.mesh.TriangleMesh;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PointCloudsTest {
    @Test
    void normaliseCentresBoxAndScalesLongestSideToOne() {
        float[] pts = {1, 0, 5, 3, 1, 5.5f, 2, 0.5f, 5.25f};
        float[] out = PointClouds.normaliseToUnitCube(pts);
        float[] expected = {-0.5f, -0.25f, -0.125f, 0.5f, 0.25f, 0.125f, 0, 0, 0};
        assertArrayEquals(expected, out, 1e-6f);
        assertEquals(1f, pts[0], 0, "input unaffected");
    }

    @Test
    void normaliseOfCoincidentPointsOnlyTranslates() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, PointClouds.normaliseToUnitCube(new float[] {2, 3, 4, 2, 3,
            4}), 0);
        assertEquals(0, PointClouds.normaliseToUnitCube(new float[0]).length);
        assertThrows(IllegalArgumentException.class, () -> PointClouds.normaliseToUnitCube(new float[4]));
    }

    @Test
    void samplesLieOnTheSurfaceAndAreDeterministic() {
        TriangleMesh box = TestMeshes.box(-1, -0.5f, -0.5f, 1, 0.5f, 0.5f);
        float[] a = PointClouds.sampleSurface(box, 4000, 42);
        assertArrayEquals(a, PointClouds.sampleSurface(box, 4000, 42), 0);
        assertFalse(Arrays.equals(a, PointClouds.sampleSurface(box, 4000, 43)));
        for (int i = 0; i < a.length; i += 3) {
            boolean onFace = Math.abs(Math.abs(a[i]) - 1) < 1e-6 || Math.abs(Math.abs(a[i + 1]) - 0.5) < 1e-6
                    || Math.abs(Math.abs(a[i + 2]) - 0.5) < 1e-6;
            boolean inside = Math.abs(a[i]) <= 1 + 1e-6 && Math.abs(a[i + 1]) <= 0.5 + 1e-6
                    && Math.abs(a[i + 2]) <= 0.5 + 1e-6;
            assertTrue(onFace && inside, "point " + a[i] + ", " + a[i + 1] + ", " + a[i + 2]);
        }
    }

    @Test
    void samplingIsAreaWeighted() {
        // 2 x 1 x 1 box: area 10, the two x faces hold 2 of it; the +y face 2 of it
        TriangleMesh box = TestMeshes.box(-1, -0.5f, -0.5f, 1, 0.5f, 0.5f);
        int n = 20000;
        float[] a = PointClouds.sampleSurface(box, n, 7);
        int xFaces = 0, topFace = 0, leftHalfOfTop = 0;
        for (int i = 0; i < a.length; i += 3) {
            if (Math.abs(Math.abs(a[i]) - 1) < 1e-6) {
                xFaces++;
            } else if (Math.abs(a[i + 1] - 0.5) < 1e-6) {
                topFace++;
                leftHalfOfTop += a[i] < 0 ? 1 : 0;
            }
        }
        double sigma = Math.sqrt(n * 0.2 * 0.8);
        assertEquals(0.2 * n, xFaces, 4 * sigma);
        assertEquals(0.2 * n, topFace, 4 * sigma);
        // uniform inside the face, not only across triangles
        assertEquals(0.5 * topFace, leftHalfOfTop, 4 * Math.sqrt(topFace * 0.25));
    }

    @Test
    void emptyMeshGivesNoSamples() {
        TriangleMesh empty = TestMeshes.withDefaults(new float[0], new int[0]);
        assertEquals(0, PointClouds.sampleSurface(empty, 100, 1).length);
        assertThrows(IllegalArgumentException.class, () -> PointClouds.sampleSurface(empty, -1, 1));
    }
}
