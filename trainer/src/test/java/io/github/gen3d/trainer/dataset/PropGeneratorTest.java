package io.github.gen3d.trainer.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.mesh.MeshCleanup;
import io.github.gen3d.mesh.TriangleMesh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PropGeneratorTest {
    private static final int SEEDS = 12;

    @Test
    void atLeastEightCategories() {
        assertTrue(PropCategory.values().length >= 8);
    }

    @ParameterizedTest
    @EnumSource(PropCategory.class)
    void sameSeedGivesIdenticalProp(PropCategory c) {
        for (long seed : new long[] {0, 7, -123456789L}) {
            Prop a = PropGenerator.generate(c, seed);
            Prop b = PropGenerator.generate(c, seed);
            assertEquals(a.mesh(), b.mesh(), c + " seed " + seed);
            assertEquals(a.parameters(), b.parameters());
            assertEquals(a.parts().size(), b.parts().size());
            assertEquals(c, a.category());
            assertEquals(seed, a.seed());
        }
    }

    @ParameterizedTest
    @EnumSource(PropCategory.class)
    void differentSeedsGiveDifferentProps(PropCategory c) {
        Prop a = PropGenerator.generate(c, 1);
        for (long seed = 2; seed < 6; seed++) {
            Prop b = PropGenerator.generate(c, seed);
            assertNotEquals(a.mesh(), b.mesh(), c + " seeds 1 and " + seed);
            assertNotEquals(a.parameters(), b.parameters());
        }
    }

    @ParameterizedTest
    @EnumSource(PropCategory.class)
    void centredInUnitCubeWithBoundingRadius(PropCategory c) {
        for (long seed = 0; seed < SEEDS; seed++) {
            float[] pos = PropGenerator.generate(c, seed).mesh().positions();
            float[] lo = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
            float[] hi = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
            for (int i = 0; i < pos.length; i++) {
                lo[i % 3] = Math.min(lo[i % 3], pos[i]);
                hi[i % 3] = Math.max(hi[i % 3], pos[i]);
            }
            for (int k = 0; k < 3; k++) {
                assertTrue(lo[k] >= -0.5f && hi[k] <= 0.5f, c + " seed " + seed + " axis " + k);
                assertEquals(0, (lo[k] + hi[k]) / 2, 1e-5, c + " seed " + seed + " centre axis " + k);
            }
            double farthest = 0;
            for (int i = 0; i < pos.length; i += 3) {
                farthest = Math.max(farthest, Math.sqrt((double) pos[i] * pos[i] + (double) pos[i + 1] * pos[i + 1]
                        + (double) pos[i + 2] * pos[i + 2]));
            }
            assertEquals(PropGenerator.BOUNDING_RADIUS, farthest, 1e-6, c + " seed " + seed + " farthest vertex");
        }
    }

    @ParameterizedTest
    @EnumSource(PropCategory.class)
    void partsAreClosedOutwardSolids(PropCategory c) {
        for (long seed = 0; seed < SEEDS; seed++) {
            Prop prop = PropGenerator.generate(c, seed);
            int tris = 0;
            for (TriangleMesh part : prop.parts()) {
                tris += part.triangleCount();
                MeshCleanup.EdgeReport r = MeshCleanup.edgeReport(MeshCleanup.mergeVertices(part, 1e-6f));
                assertTrue(r.watertight(), c + " seed " + seed + " part not closed: " + r);
                assertTrue(part.signedVolume() > 0, c + " seed " + seed + " part volume " + part.signedVolume());
            }
            assertEquals(prop.mesh().triangleCount(), tris);
            assertTrue(prop.mesh().signedVolume() > 0);
        }
    }

    /**
     * With positive volume (outward winding) established above, every vertex normal must point to the same side
     * as the geometric normal of each triangle using it, apart from a tolerance at smoothed creases.
     */
    @ParameterizedTest
    @EnumSource(PropCategory.class)
    void normalsFaceOutward(PropCategory c) {
        for (long seed = 0; seed < SEEDS; seed++) {
            TriangleMesh m = PropGenerator.generate(c, seed).mesh();
            float[] p = m.positions();
            float[] n = m.normals();
            int[] idx = m.indices();
            for (int t = 0; t < idx.length; t += 3) {
                float[] f = MeshToSplats.faceNormal(p, idx[t], idx[t + 1], idx[t + 2]);
                if (f[3] < 1e-9f) {
                    continue;
                }
                for (int k = 0; k < 3; k++) {
                    int v = idx[t + k];
                    double dot = f[0] * n[3 * v] + f[1] * n[3 * v + 1] + f[2] * n[3 * v + 2];
                    assertTrue(dot > 0.2, c + " seed " + seed + " triangle " + t / 3 + " normal dot " + dot);
                    double len = Math.sqrt(n[3 * v] * n[3 * v] + n[3 * v + 1] * n[3 * v + 1]
                            + n[3 * v + 2] * n[3 * v + 2]);
                    assertEquals(1, len, 1e-4);
                }
            }
        }
    }

    @Test
    void flippedWindingIsCaught() {
        // the volume check must be able to fail: an inside-out box has negative volume
        MeshParts b = new MeshParts();
        b.box(MeshParts.Place.at(0, 0, 0), 1, 2, 3, new float[] {1, 1, 1, 1});
        TriangleMesh box = b.parts().get(0);
        assertEquals(6.0, box.signedVolume(), 1e-5);
        int[] idx = box.indices().clone();
        for (int t = 0; t < idx.length; t += 3) {
            int s = idx[t + 1];
            idx[t + 1] = idx[t + 2];
            idx[t + 2] = s;
        }
        assertTrue(new TriangleMesh(box.positions(), box.normals(), box.colours(), idx).signedVolume() < 0);
    }

    @Test
    void primitiveVolumesMatchFormulas() {
        MeshParts b = new MeshParts();
        float[] white = {1, 1, 1, 1};
        int seg = 256;
        b.frustum(MeshParts.Place.at(0, 0, 0), 0.5f, 0.5f, 0, 2, seg, white);
        b.ellipsoid(MeshParts.Place.at(1, 2, 3), 1, 2, 3, 128, seg, white);
        b.torus(MeshParts.Place.at(0, 0, 0), 2, 0.5f, 128, seg, white);
        b.frustum(MeshParts.Place.at(0, 0, 0).rotated(0.7f, 0.3f), 1, 0, 0, 3, seg, white);
        double[] expected = {Math.PI * 0.25 * 2, 4.0 / 3 * Math.PI * 6, 2 * Math.PI * Math.PI * 2 * 0.25,
            Math.PI * 3 / 3};
        for (int i = 0; i < expected.length; i++) {
            TriangleMesh m = b.parts().get(i);
            assertEquals(expected[i], m.signedVolume(), expected[i] * 2e-3, "primitive " + i);
            assertTrue(MeshCleanup.edgeReport(MeshCleanup.mergeVertices(m, 1e-6f)).watertight(), "primitive " + i);
        }
    }
}
