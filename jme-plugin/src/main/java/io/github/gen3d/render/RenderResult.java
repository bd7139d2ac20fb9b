package io.github.gen3d.render;

import com.jme3.math.ColorRGBA;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * What {@link SplatRasterizer} produces for one camera: premultiplied colour over transparent black, alpha, and two
 * depth maps. All arrays are row-major with row 0 at the <b>top</b>; pixel {@code (x, y)} is at index
 * {@code y·width + x} (colour: {@code 3·(y·width + x) + channel}).
 *
 * <ul>
 * <li>{@link #colour()}: {@code Σ T α rgb}, the composited sum (premultiplied, linear as stored in the splats);</li>
 * <li>{@link #alpha()}: {@code 1 − T} after all splats;</li>
 * <li>{@link #expectedDepth()}: {@code Σ T α z / Σ T α}, 0 where nothing was hit;</li>
 * <li>{@link #medianDepth()}: the {@code z} of the splat at which {@code T} first fell to 0.5 or below, 0 if it never
 * did.</li>
 * </ul>
 * Depth {@code z} is the distance along the camera's view axis ({@code c.z} in {@code docs/rendering.md}).
 *
 * <p>The arrays are returned live (no copy); this class is not thread-safe if they are changed.
 */
public final class RenderResult {
    private final int width;
    private final int height;
    private final float[] colour;
    private final float[] alpha;
    private final float[] expectedDepth;
    private final float[] medianDepth;

    RenderResult(int width, int height, float[] colour, float[] alpha, float[] expectedDepth, float[] medianDepth) {
        this.width = width;
        this.height = height;
        this.colour = colour;
        this.alpha = alpha;
        this.expectedDepth = expectedDepth;
        this.medianDepth = medianDepth;
    }

    /**
     * An all-zero result (nothing drawn).
     *
     * @param width width
     * @param height height
     * @return a new result
     */
    static RenderResult empty(int width, int height) {
        int n = width * height;
        return new RenderResult(width, height, new float[3 * n], new float[n], new float[n], new float[n]);
    }

    /** @return image width in pixels */
    public int width() {
        return width;
    }

    /** @return image height in pixels */
    public int height() {
        return height;
    }

    /** @return premultiplied RGB, 3 floats per pixel, row 0 at the top (live array) */
    public float[] colour() {
        return colour;
    }

    /** @return alpha {@code 1 − T}, one float per pixel (live array) */
    public float[] alpha() {
        return alpha;
    }

    /** @return expected depth, one float per pixel, 0 where nothing was hit (live array) */
    public float[] expectedDepth() {
        return expectedDepth;
    }

    /** @return median depth, one float per pixel, 0 where T never fell to 0.5 (live array) */
    public float[] medianDepth() {
        return medianDepth;
    }

    /**
     * The picture composited over a background colour: {@code colour + (1 − alpha)·background}, clamped to [0, 1]
     * and rounded to 8 bits, without gamma (splat colours are stored display-ready).
     *
     * @param background background colour (null → black; unaffected; its alpha is ignored)
     * @return a new {@code TYPE_INT_RGB} image
     */
    public BufferedImage toImage(ColorRGBA background) {
        float br = background == null ? 0 : background.r;
        float bg = background == null ? 0 : background.g;
        float bb = background == null ? 0 : background.b;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                float rest = 1f - alpha[p];
                row[x] = (to8(colour[3 * p] + rest * br) << 16) | (to8(colour[3 * p + 1] + rest * bg) << 8)
                        | to8(colour[3 * p + 2] + rest * bb);
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }

    /**
     * Writes {@link #toImage} as a PNG.
     *
     * @param file target file (not null; parent folders must exist)
     * @param background background colour (null → black; unaffected)
     * @throws IOException if writing fails
     */
    public void writePng(Path file, ColorRGBA background) throws IOException {
        if (!ImageIO.write(toImage(background), "png", file.toFile())) {
            throw new IOException(file + ": no PNG writer available");
        }
    }

    /**
     * A grey-scale picture of a depth map for viewing: the nearest hit pixel is white, the farthest dark grey
     * (linear in depth), pixels without depth are black. Depth ranges under 0.1 % of the depth show as flat.
     *
     * @param median true for {@link #medianDepth()}, false for {@link #expectedDepth()}
     * @return a new {@code TYPE_INT_RGB} image
     */
    public BufferedImage toDepthImage(boolean median) {
        float[] d = median ? medianDepth : expectedDepth;
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float z : d) {
            if (z > 0) {
                lo = Math.min(lo, z);
                hi = Math.max(hi, z);
            }
        }
        // a range below 0.1 % of the depth is rounding noise: show it as flat
        float span = Math.max(hi - lo, 1e-3f * Math.max(hi, 0f));
        if (!(span > 0)) {
            span = 1f;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float z = d[y * width + x];
                int grey = z > 0 ? to8(1f - 0.8f * (z - lo) / span) : 0;
                img.setRGB(x, y, (grey << 16) | (grey << 8) | grey);
            }
        }
        return img;
    }

    private static int to8(float v) {
        if (!(v > 0)) {
            return 0;
        }
        return v >= 1 ? 255 : Math.round(v * 255f);
    }

    @Override
    public String toString() {
        return "RenderResult[" + width + "x" + height + "]";
    }
}
