package io.github.gen3d.splat;

import static io.github.gen3d.splat.GpuTestSupport.psnr;
import static io.github.gen3d.splat.GpuTestSupport.sideBySide;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.ColorRGBA;
import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.testing.HeadlessApp;
import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The GPU renderer against the CPU reference rasterizer ({@link SplatRasterizer}, the spec's oracle) on a random
 * cloud with SH degree 3 under a moved, rotated and scaled node, from three views: PSNR ≥ 30 dB each.
 */
class GpuCpuParityTest {
    private static final Logger LOGGER = Logger.getLogger(GpuCpuParityTest.class.getName());
    private static final int W = 256;
    private static final int H = 192;

    @Test
    void gpuMatchesCpuReferenceFromThreeViews() {
        GaussianCloud cloud = GpuSplatRenderTest.randomCloud(3000, 3, 77L, 0.7f);
        Transform world = new Transform(new Vector3f(0.1f, -0.05f, 0.2f),
                new Quaternion().fromAngleAxis(0.7f, new Vector3f(0.3f, 1, -0.2f).normalizeLocal()),
                new Vector3f(1.15f, 1.15f, 1.15f));
        PinholeCamera[] views = {
            PinholeCamera.orbit(new Vector3f(0.1f, 0, 0.2f), 2.6f, 0, 15, 45, W, H),
            PinholeCamera.orbit(new Vector3f(0.1f, 0, 0.2f), 2.2f, 125, -25, 50, W, H),
            PinholeCamera.orbit(new Vector3f(0.1f, 0, 0.2f), 3.0f, 240, 60, 40, W, H),
        };
        SplatRasterizer cpu = new SplatRasterizer();
        BufferedImage[] gpuImgs = new BufferedImage[views.length];
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            SplatNode[] node = new SplatNode[1];
            gl.run(app -> {
                app.getCamera().copyFrom(views[0].toJme());
                node[0] = new SplatNode(cloud, "parity", app.getAssetManager());
                node[0].setLocalTransform(world);
                app.getRootNode().attachChild(node[0]);
            });
            SplatGeometry g = node[0].splatGeometry();
            for (int v = 0; v < views.length; v++) {
                PinholeCamera view = views[v];
                long uploads = gl.call(app -> g.uploads());
                int vv = v;
                if (v > 0) {
                    gl.run(app -> app.getCamera().copyFrom(view.toJme()));
                }
                // wait until the order sorted for this view has been swapped in (the first one is synchronous)
                gl.renderUntil(app -> g.uploads() > (vv > 0 ? uploads : 0), "the order for view " + vv);
                gl.renderFrames(2);
                gpuImgs[v] = gl.capture();
            }
        }
        for (int v = 0; v < views.length; v++) {
            BufferedImage cpuImg =
                    cpu.render(cloud, world, views[v], RenderOptions.defaults()).toImage(ColorRGBA.Black);
            double p = psnr(gpuImgs[v], cpuImg);
            LOGGER.info(String.format(Locale.ROOT, "view %d: GPU vs CPU PSNR %.2f dB", v, p));
            HeadlessApp.savePng(sideBySide(2, gpuImgs[v], cpuImg), "parity-gpu-cpu-view" + v);
            assertTrue(p >= 30, "view " + v + ": PSNR " + p + " dB < 30");
        }
    }
}
