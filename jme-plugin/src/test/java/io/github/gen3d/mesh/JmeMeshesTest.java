package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.asset.DesktopAssetManager;
import com.jme3.bounding.BoundingBox;
import com.jme3.material.MatParam;
import com.jme3.math.Vector3f;
import com.jme3.scene.Geometry;
import com.jme3.scene.Mesh;
import com.jme3.scene.VertexBuffer;
import org.junit.jupiter.api.Test;

class JmeMeshesTest {
    private static final float[] GREEN = {0, 1, 0, 1};

    @Test
    void meshHasAllBuffersAndBounds() {
        TriangleMesh cube = MeshCleanup.mergeVertices(MeshShapes.cube(1, 2, 3, 0.5f, GREEN), 1e-4f);
        Mesh m = JmeMeshes.toMesh(cube);
        assertEquals(8, m.getVertexCount());
        assertEquals(12, m.getTriangleCount());
        assertEquals(3, m.getBuffer(VertexBuffer.Type.Position).getNumComponents());
        assertEquals(3, m.getBuffer(VertexBuffer.Type.Normal).getNumComponents());
        assertEquals(4, m.getBuffer(VertexBuffer.Type.Color).getNumComponents());
        BoundingBox box = (BoundingBox) m.getBound();
        assertEquals(new Vector3f(1, 2, 3), box.getCenter());
        assertEquals(new Vector3f(0.5f, 0.5f, 0.5f), box.getExtent(null));
        assertEquals(cube, JmeMeshes.fromMesh(m), "buffers hold exactly the source arrays");
    }

    @Test
    void headlessGeometryUsesVertexColours() {
        DesktopAssetManager assets = new DesktopAssetManager(true);
        TriangleMesh cube = MeshCleanup.mergeVertices(MeshShapes.cube(0, 0, 0, 1, GREEN), 1e-4f);
        Geometry g = JmeMeshes.toGeometry("cube", JmeMeshes.toMesh(cube), assets);
        MatParam p = g.getMaterial().getParam("UseVertexColor");
        assertNotNull(p);
        assertEquals(Boolean.TRUE, p.getValue());
        assertEquals(JmeMeshes.LIGHTING, g.getMaterial().getMaterialDef().getAssetName());
        BoundingBox wb = (BoundingBox) g.getWorldBound();
        assertEquals(1f, wb.getXExtent(), 1e-6);
    }

    @Test
    void lodLevelsAreSetOnTheMesh() throws Exception {
        TriangleMesh sphere = MeshShapes.sphere(1, 16, 32);
        int[][] lods = MeshDecimator.lodIndices(sphere, 1f, 0.5f, 0.25f);
        Mesh m = JmeMeshes.toMesh(sphere, lods);
        assertEquals(3, m.getNumLodLevels());
        for (int l = 0; l < 3; l++) {
            assertEquals(lods[l].length, m.getLodLevel(l).getData().limit());
        }
        assertThrows(IllegalArgumentException.class,
                () -> JmeMeshes.toMesh(sphere, new int[][] {{0, 1, sphere.vertexCount()}}));
    }

    @Test
    void reducedHullHasFewPointsAndStaysInsideTheFullHull() throws Exception {
        TriangleMesh sphere = MeshShapes.sphere(2, 40, 80);
        CollisionProxy full = CollisionProxy.of(sphere, JmeMeshes.toMesh(sphere));
        CollisionProxy small = CollisionProxy.of(sphere, JmeMeshes.toMesh(sphere), 100);
        float[] hv = small.hullVertices();
        assertTrue(hv.length / 3 <= 100 && hv.length / 3 >= 50, "hull points " + hv.length / 3);
        // every reduced hull point is a vertex of the sphere (so inside the full hull) and still on the sphere
        java.util.Set<String> all = new java.util.HashSet<>();
        float[] fv = full.hullVertices();
        for (int i = 0; i < fv.length; i += 3) {
            all.add(fv[i] + "," + fv[i + 1] + "," + fv[i + 2]);
        }
        for (int i = 0; i < hv.length; i += 3) {
            assertTrue(all.contains(hv[i] + "," + hv[i + 1] + "," + hv[i + 2]));
        }
        // shape kept: the reduced hull's volume is close to the sphere's (4/3 pi 8 = 33.5); a 100-point hull
        // of a sphere keeps well over 80 % of it
        TriangleMesh hm = new TriangleMesh(hv, new float[hv.length], new float[hv.length / 3 * 4],
                small.hullIndices());
        double sphereVolume = 4.0 / 3 * Math.PI * 8;
        assertTrue(hm.signedVolume() > 0.8 * sphereVolume && hm.signedVolume() < sphereVolume,
                "volume " + hm.signedVolume());
        assertThrows(IllegalArgumentException.class,
                () -> CollisionProxy.of(sphere, JmeMeshes.toMesh(sphere), 3));
    }

    @Test
    void collisionProxyBoxAndHullEncloseTheMesh() {
        TriangleMesh sphere = MeshShapes.sphere(2, 16, 32);
        Mesh m = JmeMeshes.toMesh(sphere);
        CollisionProxy proxy = CollisionProxy.of(sphere, m);
        assertTrue(proxy.mesh() == m);
        BoundingBox box = proxy.box();
        assertEquals(2f, box.getXExtent(), 1e-5);
        assertEquals(2f, box.getYExtent(), 1e-5);
        // the mesh is convex: the hull has every vertex
        float[] hv = proxy.hullVertices();
        assertEquals(sphere.vertexCount(), hv.length / 3);
        assertEquals(3 * (2 * sphere.vertexCount() - 4), proxy.hullIndices().length);
        // flat mesh: hull falls back to the (flat) box corners
        float[] p = {0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0};
        TriangleMesh quad = new TriangleMesh(p, new float[12], new float[16], new int[] {0, 1, 3, 0, 3, 2});
        CollisionProxy flat = CollisionProxy.of(quad, JmeMeshes.toMesh(quad));
        assertEquals(0, flat.hullIndices().length);
        float[] corners = flat.hullVertices();
        assertEquals(24, corners.length);
        assertArrayEquals(new float[] {1, 1, 0}, new float[] {corners[21], corners[22], corners[23]});
        assertThrows(IllegalArgumentException.class, () -> CollisionProxy.of(
                new TriangleMesh(new float[0], new float[0], new float[0], new int[0]), new Mesh()));
    }
}
