package io.github.gen3d.diffusion;

import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.splat.GaussianCloud;
import java.util.List;

/**
 * Renders Gaussians at the target cameras into the sampler's view space, so that the renders can stand in for the
 * 2D model's x0. {@link RasterViewRenderer} is the default (CPU rasterizer, background colour, [−1, 1]); a latent
 * model supplies one that also encodes.
 */
public interface ViewRenderer {
    /**
     * @param cloud the Gaussians (not null, unaffected)
     * @param cameras the target cameras (not null, not empty, unaffected), all of the views' size
     * @param channels C, channels per view the sampler expects
     * @return a new planar {@code K×C×H×W} array, K = {@code cameras.size()}
     */
    float[] render(GaussianCloud cloud, List<PinholeCamera> cameras, int channels);
}
