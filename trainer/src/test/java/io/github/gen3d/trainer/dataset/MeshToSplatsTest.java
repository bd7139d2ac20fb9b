package io.github.gen3d.trainer.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.ColorRGBA;
import com.jme3.math.Quaternion;
import com.jme3.math.Vector3f;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.RenderResult;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SphericalHarmonics;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class MeshToSplatsTest {
    /** Two triangles in the z = 0 plane, the second three times the area of the first, red and blue. */
    private static TriangleMesh twoTriangles() {
        float[] pos = {0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 0, 0, 5, 0, 0, 2, 2, 0};
        float[] nrm = new float[18];
        float[] col = new float[24];
        for (int v = 0; v < 6; v++) {
            nrm[3 * v + 2] = 1;
            col[4 * v + (v < 3 ? 0 : 2)] = 1;
            col[4 * v + 3] = 1;
        }
        return new TriangleMesh(pos, nrm, col, new int[] {0, 1, 2, 3, 4, 5});
    }

    @Test
    void samplesAreAreaWeightedOnTheSurfaceWithVertexColours() {
        int n = 20_000;
        GaussianCloud c = MeshToSplats.sample(twoTriangles(), n, 42, null);
        assertEquals(n, c.size());
        int second = 0;
        float[] p = c.positions();
        float[] sh = c.sh();
        for (int i = 0; i < n; i++) {
            float x = p[3 * i], y = p[3 * i + 1];
            assertEquals(0, p[3 * i + 2], 1e-6);
            boolean inFirst = x >= -1e-6 && y >= -1e-6 && x + y <= 1 + 1e-5;
            boolean inSecond = y >= -1e-6 && y <= 2 + 1e-5 && x >= 2 - 1e-5 && 2 * x + 3 * y <= 10 + 1e-4;
            assertTrue(inFirst ^ inSecond, "sample " + i + " at " + x + "," + y);
            float r = 0.5f + SphericalHarmonics.C0 * sh[3 * i];
            float b = 0.5f + SphericalHarmonics.C0 * sh[3 * i + 2];
            assertEquals(inFirst ? 1 : 0, r, 1e-5);
            assertEquals(inFirst ? 0 : 1, b, 1e-5);
            if (inSecond) {
                second++;
            }
        }
        // area 3 of 3.5 → 6/7 of the samples; binomial sigma ≈ 49
        assertEquals(n * 6.0 / 7, second, 250);
        // disc radius from the spacing sqrt(area / n)
        assertEquals(MeshToSplats.COVER * Math.sqrt(3.5 / n), c.scales()[0], 1e-6);
        assertEquals(c.scales()[0] * MeshToSplats.THICKNESS, c.scales()[2], 1e-7);
    }

    @Test
    void badArgumentsAreRejected() {
        TriangleMesh m = twoTriangles();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MeshToSplats.sample(m, 10, 1, new float[] {0, 0, 0}));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MeshToSplats.sample(m, 10, 1, new float[] {1, 0}));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MeshToSplats.sample(m, -1, 1, null));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MeshToSplats.sample(null, 1, 1, null));
    }

    @Test
    void discsLieInTheFacePlane() {
        Prop prop = PropGenerator.generate(PropCategory.BARREL, 3);
        GaussianCloud c = MeshToSplats.sample(prop.mesh(), 2000, 5, null);
        for (float[] n : new float[][] {{0, 0, 1}, {0, 0, -1}, {1, 0, 0}, {0.6f, -0.8f, 0}, {0.48f, 0.6f, -0.64f}}) {
            float[] q = new float[4];
            MeshToSplats.rotationZTo(n, q);
            Vector3f z = new Quaternion(q[1], q[2], q[3], q[0]).normalizeLocal().mult(Vector3f.UNIT_Z);
            assertEquals(n[0], z.x, 1e-5);
            assertEquals(n[1], z.y, 1e-5);
            assertEquals(n[2], z.z, 1e-5);
        }
        // every splat's local z axis is a unit vector (quaternions normalised) and the cloud is valid
        assertTrue(c.validate().isClean(), c.validate().toString());
    }

    @Test
    void bakedLightingScalesColour() {
        TriangleMesh m = twoTriangles();
        GaussianCloud lit = MeshToSplats.sample(m, 100, 1, new float[] {0, 0, 2});
        GaussianCloud side = MeshToSplats.sample(m, 100, 1, new float[] {1, 0, 0});
        GaussianCloud unlit = MeshToSplats.sample(m, 100, 1, null);
        for (int i = 0; i < 100; i++) {
            float u = 0.5f + SphericalHarmonics.C0 * unlit.sh()[3 * i + 2];
            assertEquals(u, 0.5f + SphericalHarmonics.C0 * lit.sh()[3 * i + 2], 1e-5);
            assertEquals(MeshToSplats.AMBIENT * u, 0.5f + SphericalHarmonics.C0 * side.sh()[3 * i + 2], 1e-5);
        }
    }

    /** One lit prop per category (seed 11), framed a little wider than the rig so that boxy props fit: : target/test-out/dataset/props.png. */
    @Test
    void contactSheet() throws IOException {
        PropCategory[] cats = PropCategory.values();
        int tile = 192;
        int cols = 5;
        int rows = (cats.length + cols - 1) / cols;
        BufferedImage sheet = new BufferedImage(cols * tile, rows * tile, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        SplatRasterizer raster = new SplatRasterizer();
        PinholeCamera cam = ViewRig.views(new float[] {35}, new float[] {20}, 2.1f, ViewRig.FOV_Y_DEGREES,
                tile, tile).get(0);
        float[] light = {0.5f, 1f, 0.8f};
        for (int i = 0; i < cats.length; i++) {
            Prop prop = PropGenerator.generate(cats[i], 11);
            GaussianCloud cloud = MeshToSplats.sample(prop.mesh(), 40_000, 11, light);
            RenderResult r = raster.render(cloud, null, cam, RenderOptions.defaults());
            float covered = 0;
            for (float a : r.alpha()) {
                covered += a;
            }
            assertTrue(covered > 0.04f * tile * tile, cats[i] + " covers " + covered);
            g.drawImage(r.toImage(new ColorRGBA(0.85f, 0.88f, 0.92f, 1)), (i % cols) * tile, (i / cols) * tile,
                    null);
            g.setColor(java.awt.Color.DARK_GRAY);
            g.drawString(cats[i].name().toLowerCase(java.util.Locale.ROOT), (i % cols) * tile + 6,
                    (i / cols) * tile + 14);
        }
        g.dispose();
        Path out = Files.createDirectories(Path.of("target/test-out/dataset")).resolve("props.png");
        ImageIO.write(sheet, "png", out.toFile());
    }
}
