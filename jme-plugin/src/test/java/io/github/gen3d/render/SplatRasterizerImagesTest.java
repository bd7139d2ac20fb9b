package io.github.gen3d.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.bounding.BoundingBox;
import com.jme3.math.ColorRGBA;
import com.jme3.math.Vector3f;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Renders pictures to look at (target/test-out/render/) and checks coarse facts about them. */
class SplatRasterizerImagesTest {
    private final SplatRasterizer rasterizer = new SplatRasterizer();

    /**
     * A small scene: a red, a green and a blue blob on the x axis, a yellow bar standing up behind them, and a white
     * flat disc lying under them.
     */
    static GaussianCloud testScene() {
        GaussianCloud c = new GaussianCloud(5, 0);
        float[] id = {1, 0, 0, 0};
        c.set(0, new float[] {-0.6f, 0, 0}, new float[] {0.15f, 0.15f, 0.15f}, id, 0.95f);
        c.setColour(0, 1, 0.1f, 0.1f);
        c.set(1, new float[] {0, 0, 0}, new float[] {0.15f, 0.15f, 0.15f}, id, 0.95f);
        c.setColour(1, 0.1f, 1, 0.1f);
        c.set(2, new float[] {0.6f, 0, 0}, new float[] {0.15f, 0.15f, 0.15f}, id, 0.95f);
        c.setColour(2, 0.1f, 0.1f, 1);
        c.set(3, new float[] {0, 0.3f, -0.5f}, new float[] {0.06f, 0.5f, 0.06f}, id, 0.9f);
        c.setColour(3, 1, 0.9f, 0.1f);
        c.set(4, new float[] {0, -0.25f, 0}, new float[] {0.9f, 0.02f, 0.9f}, id, 0.8f);
        c.setColour(4, 0.9f, 0.9f, 0.9f);
        return c;
    }

    @Test
    void testSceneFromFrontAndSide() throws IOException {
        Path dir = TestData.out("render");
        ColorRGBA bg = new ColorRGBA(0.15f, 0.15f, 0.2f, 1);
        PinholeCamera front = PinholeCamera.orbit(Vector3f.ZERO, 3, 0, 15, 45, 256, 192);
        RenderResult r = rasterizer.render(testScene(), null, front, null);
        r.writePng(dir.resolve("scene_front.png"), bg);
        ImageIO.write(r.toDepthImage(false), "png", dir.resolve("scene_front_depth.png").toFile());
        // red blob on the left, blue on the right, as seen from the front
        Vector3f red = front.project(new Vector3f(-0.6f, 0, 0), null);
        Vector3f blue = front.project(new Vector3f(0.6f, 0, 0), null);
        assertTrue(red.x < 128 && blue.x > 128);
        float[] cr = pixel(r, red), cb = pixel(r, blue);
        assertTrue(cr[0] > 0.8f && cr[2] < 0.2f, "red blob " + cr[0] + " " + cr[2]);
        assertTrue(cb[2] > 0.8f && cb[0] < 0.2f, "blue blob " + cb[0] + " " + cb[2]);
        // from azimuth 180 the order flips
        PinholeCamera back = PinholeCamera.orbit(Vector3f.ZERO, 3, 180, 15, 45, 256, 192);
        RenderResult rb = rasterizer.render(testScene(), null, back, null);
        rb.writePng(dir.resolve("scene_back.png"), bg);
        assertTrue(back.project(new Vector3f(-0.6f, 0, 0), null).x > 128);
        PinholeCamera side = PinholeCamera.orbit(Vector3f.ZERO, 3, 90, 30, 45, 256, 192);
        rasterizer.render(testScene(), null, side, null).writePng(dir.resolve("scene_side.png"), bg);
    }

    private static float[] pixel(RenderResult r, Vector3f uv) {
        int p = (int) uv.y * r.width() + (int) uv.x;
        return new float[] {r.colour()[3 * p], r.colour()[3 * p + 1], r.colour()[3 * p + 2]};
    }

    @Test
    void realSceneOrbit() throws IOException {
        GaussianCloud cloud = TestClouds.readDotSplat(TestData.splat("real_lastchance_14007.splat"));
        assertEquals(14007, cloud.size());
        BoundingBox box = cloud.bounds();
        Vector3f centre = box.getCenter();
        float extent = new Vector3f(box.getXExtent(), box.getYExtent(), box.getZExtent()).length();
        Path dir = TestData.out("render");
        int k = 0;
        for (float az : new float[] {0, 90, 180, 270}) {
            PinholeCamera cam = PinholeCamera.orbit(centre, 1.6f * extent, az, 15, 50, 320, 240);
            RenderResult r = rasterizer.render(cloud, null, cam, null);
            r.writePng(dir.resolve("lastchance_az" + (int) az + ".png"), ColorRGBA.White);
            ImageIO.write(r.toDepthImage(true), "png", dir.resolve("lastchance_az" + (int) az + "_depth.png").toFile());
            if (k++ == 0) {
                RenderResult ref = rasterizer.renderReference(cloud, null, cam, null);
                assertTrue(SplatRasterizerTest.diff(ref.colour(), r.colour())[1] <= 1e-5);
            }
            SplatRasterizerTest.assertCovered(r, 0.05);
        }
    }
}
