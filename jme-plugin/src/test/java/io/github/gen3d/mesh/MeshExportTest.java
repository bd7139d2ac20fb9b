package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.asset.DesktopAssetManager;
import com.jme3.asset.plugins.FileLocator;
import com.jme3.bounding.BoundingBox;
import com.jme3.export.JmeExporter;
import com.jme3.export.JmeImporter;
import com.jme3.export.Savable;
import com.jme3.scene.Geometry;
import com.jme3.scene.Mesh;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import com.jme3.scene.VertexBuffer;
import io.github.gen3d.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MeshExportTest {

    private static TriangleMesh sample() {
        return MeshShapes.sphere(1.5f, 12, 24);
    }

    private static DesktopAssetManager assets(Path dir) {
        DesktopAssetManager am = new DesktopAssetManager(true);
        am.registerLocator(dir.toString(), FileLocator.class);
        return am;
    }

    private static List<Geometry> geometries(Spatial s) {
        List<Geometry> out = new ArrayList<>();
        s.depthFirstTraversal(sp -> {
            if (sp instanceof Geometry g) {
                out.add(g);
            }
        });
        return out;
    }

    @Test
    void glbLoadsBackThroughJmeGltfLoader() throws Exception {
        Path dir = TestData.out("mesh-export");
        TriangleMesh mesh = sample();
        MeshExport.writeGlb(mesh, dir.resolve("sphere.glb"));
        Spatial loaded = assets(dir).loadModel("sphere.glb");
        List<Geometry> geoms = geometries(loaded);
        assertEquals(1, geoms.size());
        Mesh m = geoms.get(0).getMesh();
        assertEquals(mesh.vertexCount(), m.getVertexCount());
        assertEquals(mesh.triangleCount(), m.getTriangleCount());
        assertNotNull(m.getBuffer(VertexBuffer.Type.Color), "COLOR_0 became a jME Color buffer");
        TriangleMesh back = JmeMeshes.fromMesh(m);
        assertArrayEquals(mesh.positions(), back.positions());
        assertArrayEquals(mesh.normals(), back.normals());
        assertArrayEquals(mesh.colours(), back.colours());
        assertArrayEquals(mesh.indices(), back.indices());
        m.updateBound();
        BoundingBox box = (BoundingBox) m.getBound();
        assertEquals(1.5f, box.getXExtent(), 1e-5);
        assertEquals(1.5f, box.getYExtent(), 1e-5);
        assertEquals(0f, box.getCenter().length(), 1e-5);
    }

    @Test
    void objRoundTripsByHandAndThroughJmeObjLoader() throws Exception {
        Path dir = TestData.out("mesh-export");
        TriangleMesh mesh = sample();
        Path file = dir.resolve("sphere.obj");
        MeshExport.writeObj(mesh, file);
        // parse by hand: positions/normals exact, colours sRGB-decoded back to linear
        List<float[]> v = new ArrayList<>();
        List<float[]> vn = new ArrayList<>();
        List<int[]> f = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] t = line.trim().split("\\s+");
            switch (t[0]) {
                case "v" -> v.add(new float[] {Float.parseFloat(t[1]), Float.parseFloat(t[2]),
                        Float.parseFloat(t[3]), Float.parseFloat(t[4]), Float.parseFloat(t[5]),
                        Float.parseFloat(t[6])});
                case "vn" -> vn.add(new float[] {Float.parseFloat(t[1]), Float.parseFloat(t[2]),
                        Float.parseFloat(t[3])});
                case "f" -> {
                    int[] tri = new int[3];
                    for (int k = 0; k < 3; k++) {
                        String[] parts = t[k + 1].split("//");
                        assertEquals(parts[0], parts[1]);
                        tri[k] = Integer.parseInt(parts[0]) - 1;
                    }
                    f.add(tri);
                }
                default -> assertTrue(t[0].startsWith("#"), line);
            }
        }
        assertEquals(mesh.vertexCount(), v.size());
        assertEquals(mesh.vertexCount(), vn.size());
        assertEquals(mesh.triangleCount(), f.size());
        for (int i = 0; i < v.size(); i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(mesh.positions()[3 * i + k], v.get(i)[k]);
                assertEquals(mesh.normals()[3 * i + k], vn.get(i)[k]);
                assertEquals(mesh.colours()[4 * i + k], MeshExport.srgbToLinear(v.get(i)[3 + k]), 1e-5);
            }
        }
        for (int t = 0; t < f.size(); t++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(mesh.indices()[3 * t + k], f.get(t)[k]);
            }
        }
        // jME's own OBJ loader reads it too (it ignores vertex colours)
        Spatial loaded = assets(dir).loadModel("sphere.obj");
        int tris = geometries(loaded).stream().mapToInt(g -> g.getMesh().getTriangleCount()).sum();
        assertEquals(mesh.triangleCount(), tris);
    }

    @Test
    void j3oRoundTripKeepsBuffersLodsAndMaterial() throws Exception {
        Path dir = TestData.out("mesh-export");
        DesktopAssetManager am = assets(dir);
        TriangleMesh mesh = sample();
        Mesh jm = JmeMeshes.toMesh(mesh, MeshDecimator.lodIndices(mesh, 1f, 0.5f));
        Node root = new Node("root");
        root.attachChild(JmeMeshes.toGeometry("sphere", jm, am));
        MeshExport.writeJ3o(root, dir.resolve("sphere.j3o"));
        Spatial loaded = am.loadModel("sphere.j3o");
        List<Geometry> geoms = geometries(loaded);
        assertEquals(1, geoms.size());
        Geometry g = geoms.get(0);
        assertEquals("sphere", g.getName());
        assertEquals(mesh, JmeMeshes.fromMesh(g.getMesh()));
        assertEquals(2, g.getMesh().getNumLodLevels());
        assertEquals(jm.getLodLevel(1).getData().limit(), g.getMesh().getLodLevel(1).getData().limit());
        assertEquals(Boolean.TRUE, g.getMaterial().getParam("UseVertexColor").getValue());
    }

    @Test
    void failedWriteLeavesNothingBehind() throws Exception {
        Path dir = Files.createDirectories(TestData.out("mesh-export").resolve("atomic"));
        Path target = dir.resolve("keep.obj");
        Files.writeString(target, "old");
        // a savable whose write fails midway: the old file survives, the temporary file is removed
        Savable failing = new Savable() {
            @Override
            public void write(JmeExporter ex) throws IOException {
                ex.getCapsule(this).write(new float[1000], "data", null);
                throw new IOException("disk full (simulated)");
            }

            @Override
            public void read(JmeImporter im) {
            }
        };
        IOException e = assertThrows(IOException.class, () -> MeshExport.writeJ3o(failing, target));
        assertTrue(e.getMessage().contains("keep.obj"), e.getMessage());
        assertEquals("old", Files.readString(target));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList(), "no temporary file left");
        }
        IOException missing = assertThrows(IOException.class,
                () -> MeshExport.writeObj(sample(), dir.resolve("nope/x.obj")));
        assertTrue(missing.getMessage().contains("x.obj"));
        IOException empty = assertThrows(IOException.class, () -> MeshExport.writeGlb(
                new TriangleMesh(new float[0], new float[0], new float[0], new int[0]), dir.resolve("e.glb")));
        assertTrue(empty.getMessage().contains("e.glb"));
        assertFalse(Files.exists(dir.resolve("e.glb")));
    }
}
