package io.github.gen3d.diffusion;

import com.jme3.math.ColorRGBA;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.RenderResult;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.splat.GaussianCloud;
import java.util.List;

/**
 * The default {@link ViewRenderer}: the CPU reference rasterizer ({@link SplatRasterizer}) renders each camera, the
 * premultiplied colour is composited over a background colour ({@code rgb + (1 − α)·background}, as the denoiser's
 * training images were), clamped to [0, 1] and mapped to [−1, 1] ({@code 2v − 1}). Three channels only.
 *
 * <p>Gen-3Diffusion and LGM train on white backgrounds, hence {@link #whiteBackground()}. Instances are immutable and
 * thread-safe (the rasterizer holds no state).
 */
public final class RasterViewRenderer implements ViewRenderer {
    private final SplatRasterizer rasterizer = new SplatRasterizer();
    private final float bgR;
    private final float bgG;
    private final float bgB;
    private final RenderOptions options;

    /**
     * @param background the background colour, components in [0, 1] (not null, unaffected; alpha ignored)
     * @param options rasterizer options (null → {@link RenderOptions#defaults()})
     * @throws IllegalArgumentException if a component is outside [0, 1]
     */
    public RasterViewRenderer(ColorRGBA background, RenderOptions options) {
        if (background == null) {
            throw new IllegalArgumentException("background is null");
        }
        for (float c : new float[] {background.r, background.g, background.b}) {
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("background components must be in [0, 1], got " + background);
            }
        }
        this.bgR = background.r;
        this.bgG = background.g;
        this.bgB = background.b;
        this.options = options == null ? RenderOptions.defaults() : options;
    }

    /** @return a renderer on a white background with default rasterizer options */
    public static RasterViewRenderer whiteBackground() {
        return new RasterViewRenderer(ColorRGBA.White, null);
    }

    /**
     * @throws IllegalArgumentException unless {@code channels == 3} and the cameras are not empty
     */
    @Override
    public float[] render(GaussianCloud cloud, List<PinholeCamera> cameras, int channels) {
        if (channels != 3) {
            throw new IllegalArgumentException("RasterViewRenderer renders RGB (3 channels), the sampler wants "
                    + channels + "; latent-space models need their own ViewRenderer");
        }
        if (cloud == null || cameras == null || cameras.isEmpty()) {
            throw new IllegalArgumentException("need a cloud and at least one camera");
        }
        int w = cameras.get(0).width(), h = cameras.get(0).height();
        int plane = w * h;
        float[] out = new float[cameras.size() * 3 * plane];
        float[] bg = {bgR, bgG, bgB};
        for (int v = 0; v < cameras.size(); v++) {
            PinholeCamera cam = cameras.get(v);
            if (cam.width() != w || cam.height() != h) {
                throw new IllegalArgumentException("camera " + v + " is " + cam.width() + "x" + cam.height()
                        + ", camera 0 is " + w + "x" + h);
            }
            RenderResult r = rasterizer.render(cloud, null, cam, options);
            float[] col = r.colour();
            float[] alpha = r.alpha();
            int base = v * 3 * plane;
            for (int c = 0; c < 3; c++) {
                int o = base + c * plane;
                for (int p = 0; p < plane; p++) {
                    float value = col[3 * p + c] + (1f - alpha[p]) * bg[c];
                    value = Math.max(0f, Math.min(1f, value));
                    out[o + p] = 2f * value - 1f;
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "RasterViewRenderer[background=(" + bgR + ", " + bgG + ", " + bgB + "), " + options + "]";
    }
}
