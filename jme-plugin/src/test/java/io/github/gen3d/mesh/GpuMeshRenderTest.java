package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.asset.DesktopAssetManager;
import com.jme3.light.AmbientLight;
import com.jme3.light.DirectionalLight;
import com.jme3.math.ColorRGBA;
import com.jme3.math.Vector2f;
import com.jme3.math.Vector3f;
import com.jme3.renderer.Camera;
import com.jme3.scene.Geometry;
import io.github.gen3d.testing.HeadlessApp;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Renders a finished mesh with jME (needs a display: xvfb-run, or -Dgen3d.skipGl=true to skip). */
class GpuMeshRenderTest {
    private static final int W = 256;
    private static final int H = 256;
    private static final float R = 1.2f;

    @Test
    void vertexColoursReachTheScreen() throws Exception {
        // sphere colours encode the surface point: rgb = 0.5 + 0.5 * p / R
        TriangleMesh sphere = MeshShapes.sphere(R, 64, 128);
        GameMesh gm = GameMesh.build(sphere, GameMesh.Settings.defaults().withMaxTriangles(8000), "sphere",
                new DesktopAssetManager(true));
        BufferedImage ambientOnly;
        BufferedImage lit;
        BufferedImage lod2;
        Camera[] cam = new Camera[1];
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            gl.run(app -> {
                Camera c = app.getCamera();
                c.setFrustumPerspective(45, (float) W / H, 0.1f, 100f);
                c.setLocation(new Vector3f(0, 0, 5));
                c.lookAt(Vector3f.ZERO, Vector3f.UNIT_Y);
                cam[0] = c.clone();
                Geometry g = gm.geometry();
                app.getRootNode().attachChild(g);
                app.getRootNode().addLight(new AmbientLight(ColorRGBA.White));
            });
            gl.renderFrames(3);
            ambientOnly = gl.capture();
            gl.run(app -> app.getRootNode().addLight(
                    new DirectionalLight(new Vector3f(-1, -1, -1).normalizeLocal(), ColorRGBA.White)));
            gl.renderFrames(3);
            lit = gl.capture();
            gl.run(app -> ((Geometry) app.getRootNode().getChild("sphere")).setLodLevel(2));
            gl.renderFrames(3);
            lod2 = gl.capture();
        }
        BufferedImage all = new BufferedImage(3 * W, H, BufferedImage.TYPE_INT_ARGB);
        all.getGraphics().drawImage(ambientOnly, 0, 0, null);
        all.getGraphics().drawImage(lit, W, 0, null);
        all.getGraphics().drawImage(lod2, 2 * W, 0, null);
        HeadlessApp.savePng(all, "mesh-ambient-lit-lod2");

        // ambient white only: the pixel is the interpolated vertex colour of the surface point the ray hits
        int checked = 0;
        double worst = 0;
        for (int row = 16; row < H; row += 16) {
            for (int col = 16; col < W; col += 16) {
                Vector3f near = cam[0].getWorldCoordinates(new Vector2f(col + 0.5f, H - 1 - row + 0.5f), 0f);
                Vector3f far = cam[0].getWorldCoordinates(new Vector2f(col + 0.5f, H - 1 - row + 0.5f), 1f);
                Vector3f d = far.subtract(near).normalizeLocal();
                // |near + t d|^2 = R^2
                double b = near.dot(d);
                double c = near.lengthSquared() - (double) R * R;
                double disc = b * b - c;
                int rgb = ambientOnly.getRGB(col, row);
                if (disc < 0.05) {
                    if (disc < -0.05) {
                        assertEquals(0, rgb & 0xFFFFFF, "background at " + col + "," + row);
                    }
                    continue; // too close to the silhouette for a faceted sphere
                }
                double t = -b - Math.sqrt(disc);
                Vector3f p = near.add(d.mult((float) t));
                int[] got = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
                float[] want = {p.x, p.y, p.z};
                for (int k = 0; k < 3; k++) {
                    double e = Math.abs(got[k] - 255 * (0.5 + 0.5 * want[k] / R));
                    worst = Math.max(worst, e);
                }
                checked++;
            }
        }
        assertTrue(checked > 50, "pixels checked " + checked);
        assertTrue(worst <= 4, "worst channel error " + worst + " of 255");
        System.out.printf("mesh render: %d pixels, worst channel error %.1f / 255%n", checked, worst);
    }
}
