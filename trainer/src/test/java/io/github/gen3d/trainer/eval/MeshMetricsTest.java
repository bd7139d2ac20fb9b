package io.github.gen3d.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.mesh.TriangleMesh;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshMetricsTest {
    private static final TriangleMesh SPHERE = TestMeshes.sphere(0.4f, 24, 48);

    @Test
    void sameShapeScoresNearPerfect() {
        MeshMetrics.Scores s = MeshMetrics.compare(SPHERE, SPHERE, List.of(), 5000, 11, 0.05f);
        assertTrue(s.chamfer() < 0.015, "chamfer " + s.chamfer());
        assertEquals(1.0, s.fScore(), 0);
        assertEquals(1.0, s.precision(), 0);
        assertEquals(1.0, s.recall(), 0);
    }

    @Test
    void offsetAndScaleAreNormalisedAway() {
        MeshMetrics.Scores same = MeshMetrics.compare(SPHERE, SPHERE, List.of(), 3000, 5, 0.05f);
        TriangleMesh moved = TestMeshes.transformed(SPHERE, 3f, 1f, -2f, 0.5f);
        MeshMetrics.Scores s = MeshMetrics.compare(moved, SPHERE, List.of(), 3000, 5, 0.05f);
        assertEquals(same.chamfer(), s.chamfer(), 1e-5);
        assertEquals(same.fScore(), s.fScore(), 0);
    }

    @Test
    void differentShapeScoresWorse() {
        TriangleMesh box = TestMeshes.box(-0.4f, -0.4f, -0.4f, 0.4f, 0.4f, 0.4f);
        MeshMetrics.Scores s = MeshMetrics.compare(box, SPHERE, List.of(), 3000, 5, 0.05f);
        // unit cube vs inscribed unit sphere: corners are 0.37 away, face centres touch
        assertTrue(s.chamfer() > 0.04 && s.chamfer() < 0.2, "chamfer " + s.chamfer());
        assertTrue(s.fScore() < 0.9 && s.fScore() > 0.1, "F " + s.fScore());
        assertTrue(s.recall() > s.precision(), "sphere points are nearer to the cube than cube corners to it");
    }

    @Test
    void emptyPredictionGetsTheDefinedWorstScore() {
        TriangleMesh empty = TestMeshes.withDefaults(new float[0], new int[0]);
        MeshMetrics.Scores s = MeshMetrics.compare(empty, SPHERE, List.of(), 1000, 1, 0.05f);
        assertEquals(new MeshMetrics.Scores(Math.sqrt(3), 0, 0, 0), s);
        assertThrows(IllegalArgumentException.class, () -> MeshMetrics.compare(SPHERE, empty, List.of(), 10, 1,
                0.05f));
    }

    @Test
    void fixedSeedIsDeterministic() {
        TriangleMesh box = TestMeshes.box(-0.4f, -0.4f, -0.4f, 0.4f, 0.4f, 0.4f);
        MeshMetrics.Scores a = MeshMetrics.compare(box, SPHERE, List.of(), 2000, 99, 0.05f);
        assertEquals(a, MeshMetrics.compare(box, SPHERE, List.of(), 2000, 99, 0.05f));
        assertNotEquals(a.chamfer(), MeshMetrics.compare(box, SPHERE, List.of(), 2000, 100, 0.05f).chamfer());
    }

    @Test
    void visibilityDropsInnerFacesFromTheGroundTruth() {
        // two overlapping slabs whose union is exactly the cube [-0.5, 0.5]^3; their faces z = 0 and z = -0.1 lie
        // inside the union
        TriangleMesh lower = TestMeshes.box(-0.5f, -0.5f, -0.5f, 0.5f, 0.5f, 0f);
        TriangleMesh upper = TestMeshes.box(-0.5f, -0.5f, -0.1f, 0.5f, 0.5f, 0.5f);
        TriangleMesh union = TestMeshes.concat(lower, upper);
        TriangleMesh cube = TestMeshes.box(-0.5f, -0.5f, -0.5f, 0.5f, 0.5f, 0.5f);
        List<DepthView> views = VisibilityTest.surroundingViews(union, 64);
        MeshMetrics.Scores filtered = MeshMetrics.compare(cube, union, views, 4000, 3, 0.05f);
        MeshMetrics.Scores all = MeshMetrics.compare(cube, union, List.of(), 4000, 3, 0.05f);
        assertTrue(filtered.recall() > 0.98, "filtered " + filtered); // about 0.992
        assertTrue(all.recall() < 0.85, "unfiltered " + all); // about 0.79
        assertTrue(filtered.chamfer() < all.chamfer(), filtered + " vs " + all);
        // views that see nothing are a caller error
        List<DepthView> blind = List.of(new DepthView(views.get(0).camera(), new float[64 * 64]));
        assertThrows(IllegalArgumentException.class, () -> MeshMetrics.compare(cube, union, blind, 100, 3, 0.05f));
    }
}
