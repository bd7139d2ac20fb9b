package io.github.gen3d.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.jme3.math.ColorRGBA;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.RenderResult;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.splat.GaussianCloud;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class RasterViewRendererTest {

    @Test
    void anEmptyCloudIsTheBackgroundInMinusOneToOne() {
        List<PinholeCamera> cams = ViewRig.targetViews(8, 6);
        ColorRGBA bg = new ColorRGBA(1f, 0.5f, 0f, 1f);
        float[] out = new RasterViewRenderer(bg, null).render(new GaussianCloud(0, 0), cams, 3);
        assertEquals(4 * 3 * 8 * 6, out.length);
        float[] expected = {1f, 0f, -1f};
        for (int v = 0; v < 4; v++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 48; p++) {
                    assertEquals(expected[c], out[(v * 3 + c) * 48 + p], 0f);
                }
            }
        }
    }

    @Test
    void rendersAgreeWithTheRasterizersOwnPictureOverTheBackground() {
        GaussianCloud cloud = StandIns.symmetricCloud();
        List<PinholeCamera> cams = ViewRig.orbit(3, 25f, 24, 20);
        ColorRGBA bg = new ColorRGBA(0.9f, 0.9f, 0.2f, 1f);
        RenderOptions one = RenderOptions.defaults().withThreads(1);
        float[] out = new RasterViewRenderer(bg, one).render(cloud, cams, 3);
        int plane = 24 * 20;
        for (int v = 0; v < 3; v++) {
            RenderResult r = new SplatRasterizer().render(cloud, null, cams.get(v), one);
            BufferedImage img = r.toImage(bg);
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 24; x++) {
                    int rgb = img.getRGB(x, y);
                    int[] c8 = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                    for (int c = 0; c < 3; c++) {
                        float value = out[(v * 3 + c) * plane + y * 24 + x];
                        // (value + 1)/2 is the composited colour that toImage rounds to 8 bits
                        assertEquals(c8[c] / 255.0, (value + 1) / 2, 0.5 / 255 + 1e-6, "view " + v + " px " + x + ","
                                + y + " c" + c);
                    }
                }
            }
        }
    }

    @Test
    void onlyRgbAndMatchingCamerasAreAccepted() {
        RasterViewRenderer r = RasterViewRenderer.whiteBackground();
        GaussianCloud cloud = new GaussianCloud(0, 0);
        assertThrows(IllegalArgumentException.class, () -> r.render(cloud, ViewRig.targetViews(8, 8), 4));
        assertThrows(IllegalArgumentException.class, () -> r.render(cloud, List.of(), 3));
        List<PinholeCamera> mixed = List.of(ViewRig.targetViews(8, 8).get(0), ViewRig.targetViews(9, 8).get(1));
        assertThrows(IllegalArgumentException.class, () -> r.render(cloud, mixed, 3));
        assertThrows(IllegalArgumentException.class, () -> new RasterViewRenderer(new ColorRGBA(2, 0, 0, 1), null));
    }
}
