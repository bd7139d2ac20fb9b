package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.asset.DesktopAssetManager;
import com.jme3.bounding.BoundingBox;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class GameMeshTest {
    private final DesktopAssetManager assets = new DesktopAssetManager(true);

    @Test
    void cleansDecimatesAndWraps() throws Exception {
        // a fine sphere (already welded) plus a tiny unwelded cube far away: the cube is < 1 % of the area
        TriangleMesh sphere = MeshShapes.sphere(1, 40, 80);
        TriangleMesh speck = MeshShapes.cube(10, 0, 0, 0.01f, new float[] {1, 1, 1, 1});
        TriangleMesh raw = MeshShapes.concat(sphere, speck);
        GameMesh gm = GameMesh.build(raw, GameMesh.Settings.defaults().withMaxTriangles(800), "blob", assets);
        assertTrue(gm.mesh().triangleCount() <= 800);
        assertTrue(gm.report().watertight());
        assertEquals(1, MeshCleanup.componentCount(gm.mesh()));
        assertEquals(3, gm.geometry().getMesh().getNumLodLevels());
        BoundingBox box = gm.collision().box();
        // the speck at x = 10 is gone (it would make the x extent ~5); decimation may pull the rim in by about a
        // chord sagitta: edge ~ sqrt(4 pi / 800 * 4 / sqrt 3) ~ 0.19, sagitta ~ edge^2 / 8 ~ 0.0045
        double edge = Math.sqrt(4 * Math.PI / 800 * 4 / Math.sqrt(3));
        assertTrue(box.getXExtent() <= 1f + 1e-6 && box.getXExtent() >= 1 - 2 * edge * edge / 8,
                "x extent " + box.getXExtent());
        assertEquals("blob", gm.geometry().getName());
    }

    @Test
    void emptyOrBrokenInputIsAnIOException() {
        TriangleMesh empty = new TriangleMesh(new float[0], new float[0], new float[0], new int[0]);
        assertThrows(IOException.class, () -> GameMesh.build(empty, GameMesh.Settings.defaults(), "e", assets));
        float[] p = {0, 0, 0, 1, 0, 0, Float.NaN, 1, 0};
        TriangleMesh nan = new TriangleMesh(p, new float[9], new float[12], new int[] {0, 1, 2});
        assertThrows(IOException.class, () -> GameMesh.build(nan, GameMesh.Settings.defaults(), "n", assets));
        assertThrows(IllegalArgumentException.class,
                () -> new GameMesh.Settings(0, 0, 0, 10, new float[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> new GameMesh.Settings(1e-6f, 0, 0, 10, new float[] {1.5f}));
    }
}
