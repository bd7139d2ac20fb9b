package io.github.gen3d.cli;

import com.jme3.math.ColorRGBA;
import com.jme3.math.Transform;
import io.github.gen3d.render.MeshRasterizer;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.service.GenerationResult;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The turntable preview: the input picture, then the Gaussians seen from {@code frames} azimuths around the object
 * (CPU reference rasterizer, on a light grey background), and below them the mesh from the same cameras when the
 * result has one (the dataset's lit mesh rasterizer).
 */
final class Turntable {
    static final ColorRGBA BACKGROUND = new ColorRGBA(0.93f, 0.93f, 0.93f, 1f);
    private static final int LABEL = 18;

    private Turntable() {
    }

    /**
     * @param result the result (not null, unaffected)
     * @param frames views around the object (1..36)
     * @param size each view's side in pixels (32..1024)
     * @param title written at the top left (may be null)
     * @return a new RGB picture
     */
    static BufferedImage render(GenerationResult result, int frames, int size, String title) {
        List<PinholeCamera> cams = ViewRig.orbit(frames, 20f, size, size);
        TriangleMesh mesh = result.mesh().orElse(null);
        int rows = mesh == null ? 1 : 2;
        BufferedImage out = new BufferedImage((frames + 1) * size, rows * size + LABEL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(new Color(BACKGROUND.r, BACKGROUND.g, BACKGROUND.b));
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.drawString((title == null ? "" : title + "   ") + "input | Gaussians" + (mesh == null ? "" : " / mesh")
                + " at " + frames + " azimuths", 4, LABEL - 5);
        g.drawImage(result.input(), 0, LABEL, size, size, null);
        SplatRasterizer raster = new SplatRasterizer();
        RenderOptions opts = RenderOptions.defaults();
        for (int i = 0; i < frames; i++) {
            PinholeCamera cam = cams.get(i);
            BufferedImage splats = raster.render(result.gaussians(), Transform.IDENTITY, cam, opts)
                    .toImage(BACKGROUND);
            g.drawImage(splats, (i + 1) * size, LABEL, null);
            if (mesh != null) {
                g.drawImage(meshImage(MeshRasterizer.render(mesh, cam, 2)), (i + 1) * size, LABEL + size, null);
            }
        }
        g.dispose();
        return out;
    }

    private static BufferedImage meshImage(MeshRasterizer.View v) {
        BufferedImage img = new BufferedImage(v.width(), v.height(), BufferedImage.TYPE_INT_RGB);
        float[] bg = {BACKGROUND.r, BACKGROUND.g, BACKGROUND.b};
        for (int p = 0; p < v.width() * v.height(); p++) {
            float a = v.alpha()[p];
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                float x = v.rgb()[3 * p + c] * a + bg[c] * (1 - a);
                rgb = rgb << 8 | Math.max(0, Math.min(255, Math.round(x * 255)));
            }
            img.setRGB(p % v.width(), p / v.width(), rgb);
        }
        return img;
    }
}
