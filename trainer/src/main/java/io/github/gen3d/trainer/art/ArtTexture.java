package io.github.gen3d.trainer.art;

import io.github.gen3d.render.MeshRasterizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A texture for the CPU renderer: linear RGB and alpha as floats with a box-filtered mip pyramid, sampled bilinearly
 * with repeat addressing at a chosen level of detail.
 *
 * <p>0 A.D.'s textures are DXT1/DXT5 {@code .dds} files. jME's {@code DDSLoader} keeps DXT blocks compressed for the
 * GPU and jME has no CPU decoder, so the files are decoded by TwelveMonkeys' DDS ImageIO plugin (a kept library,
 * {@code com.twelvemonkeys.imageio:imageio-dds}); any format ImageIO reads (PNG for tests) works the same way. Image
 * row 0 (the top) is {@code v = 1} and the bottom row {@code v = 0}, as 0 A.D.'s meshes expect (checked on the
 * elephant: the other way round its texture's green "extra stuff" panel lands on the ears).
 */
final class ArtTexture {
    /** Largest side accepted (0 A.D.'s textures are at most 2048). */
    static final int MAX_SIDE = 4096;
    private final int[] widths;
    private final int[] heights;
    /** Per level: r, g, b, a per texel, linear, row-major from the image's top row. */
    private final float[][] levels;

    private ArtTexture(float[][] levels, int[] widths, int[] heights) {
        this.levels = levels;
        this.widths = widths;
        this.heights = heights;
    }

    /**
     * Reads a texture file.
     *
     * @param file the file (not null)
     * @return the texture
     * @throws IOException when it cannot be read or decoded; the message names the file
     */
    static ArtTexture read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such texture file");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode the texture: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException(file + ": no image reader for this texture");
        }
        return of(img, file.toString());
    }

    /**
     * A texture from an image (sRGB colour, straight alpha).
     *
     * @param img the image (not null, unaffected)
     * @param name its name for error messages
     * @return the texture
     * @throws IOException when the image is empty or too large
     */
    static ArtTexture of(BufferedImage img, String name) throws IOException {
        int w = img.getWidth(), h = img.getHeight();
        if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE) {
            throw new IOException(name + ": texture size " + w + "x" + h + " outside 1.." + MAX_SIDE);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] lut = new float[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = (float) srgbToLinear(i / 255.0);
        }
        float[] top = new float[4 * w * h];
        for (int p = 0; p < w * h; p++) {
            int c = argb[p];
            top[4 * p] = lut[(c >> 16) & 0xFF];
            top[4 * p + 1] = lut[(c >> 8) & 0xFF];
            top[4 * p + 2] = lut[c & 0xFF];
            top[4 * p + 3] = ((c >>> 24) & 0xFF) / 255f;
        }
        int n = 1;
        for (int s = Math.max(w, h); s > 1; s = (s + 1) / 2) {
            n++;
        }
        float[][] levels = new float[n][];
        int[] ws = new int[n];
        int[] hs = new int[n];
        levels[0] = top;
        ws[0] = w;
        hs[0] = h;
        for (int l = 1; l < n; l++) {
            int pw = ws[l - 1], ph = hs[l - 1];
            int cw = Math.max(1, pw / 2), ch = Math.max(1, ph / 2);
            float[] prev = levels[l - 1];
            float[] cur = new float[4 * cw * ch];
            for (int y = 0; y < ch; y++) {
                for (int x = 0; x < cw; x++) {
                    int x0 = Math.min(pw - 1, 2 * x), x1 = Math.min(pw - 1, 2 * x + 1);
                    int y0 = Math.min(ph - 1, 2 * y), y1 = Math.min(ph - 1, 2 * y + 1);
                    for (int k = 0; k < 4; k++) {
                        cur[4 * (y * cw + x) + k] = 0.25f * (prev[4 * (y0 * pw + x0) + k] + prev[4 * (y0 * pw + x1) + k]
                                + prev[4 * (y1 * pw + x0) + k] + prev[4 * (y1 * pw + x1) + k]);
                    }
                }
            }
            levels[l] = cur;
            ws[l] = cw;
            hs[l] = ch;
        }
        return new ArtTexture(levels, ws, hs);
    }

    /** @return width of the top level */
    int width() {
        return widths[0];
    }

    /** @return height of the top level */
    int height() {
        return heights[0];
    }

    /** @return the number of mip levels */
    int levelCount() {
        return levels.length;
    }

    /**
     * Samples bilinearly with repeat addressing.
     *
     * @param u texture u (1 = one width)
     * @param v texture v (1 = the image's top row, 0 = its bottom row)
     * @param lod level of detail (0 = full resolution; fractional part rounded to the nearest level)
     * @param out receives linear r, g, b and alpha (length ≥ 4)
     */
    void sample(double u, double v, double lod, double[] out) {
        int l = (int) Math.max(0, Math.min(levels.length - 1, Math.round(lod)));
        int w = widths[l], h = heights[l];
        float[] t = levels[l];
        double x = u * w - 0.5, y = (1 - v) * h - 0.5;
        double fx = Math.floor(x), fy = Math.floor(y);
        double ax = x - fx, ay = y - fy;
        int x0 = Math.floorMod((long) fx, w), x1 = (x0 + 1) % w;
        int y0 = Math.floorMod((long) fy, h), y1 = (y0 + 1) % h;
        for (int k = 0; k < 4; k++) {
            double top = t[4 * (y0 * w + x0) + k] * (1 - ax) + t[4 * (y0 * w + x1) + k] * ax;
            double bottom = t[4 * (y1 * w + x0) + k] * (1 - ax) + t[4 * (y1 * w + x1) + k] * ax;
            out[k] = top * (1 - ay) + bottom * ay;
        }
    }

    /**
     * The level of detail for a triangle: half the base-2 log of its texels (at level 0) per covered output pixel.
     *
     * @param uvArea the triangle's area in UV units
     * @param pixelArea its projected area in output pixels
     * @return the level (≥ 0)
     */
    double lod(double uvArea, double pixelArea) {
        double texels = uvArea * widths[0] * heights[0];
        if (!(pixelArea > 0) || !(texels > 0)) {
            return 0;
        }
        return Math.max(0, 0.5 * Math.log(texels / pixelArea) / Math.log(2));
    }

    /**
     * The inverse of {@link MeshRasterizer#linearToSrgb}.
     *
     * @param c encoded value in [0, 1]
     * @return linear value
     */
    static double srgbToLinear(double c) {
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
}
