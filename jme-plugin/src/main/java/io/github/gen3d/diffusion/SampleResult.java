package io.github.gen3d.diffusion;

import io.github.gen3d.splat.GaussianCloud;
import java.awt.image.BufferedImage;

/**
 * What {@link SynergySampler} produces for one request. The arrays and the cloud belong to the caller.
 *
 * @param gaussians the final Gaussians (from the reconstructor's last call), in the rig's frame
 * @param views the final sample of all V views, planar {@code V×C×H×W}
 * @param renders the renders of {@code gaussians} at the K target cameras, planar {@code K×C×H×W}
 * @param channels C
 * @param height H
 * @param width W
 * @param seed the request's seed
 * @param timings the sum of all steps' timings plus the final reconstruction's
 */
public record SampleResult(GaussianCloud gaussians, float[] views, float[] renders, int channels, int height,
        int width, long seed, StepTimings timings) {

    /**
     * @param view a view index, 0..V−1
     * @return a picture of that view of the final sample
     */
    public BufferedImage viewImage(int view) {
        return ViewImages.toImage(views, view, channels, height, width);
    }

    /**
     * @param view a target view index, 0..K−1
     * @return a picture of the Gaussians rendered at that target camera
     */
    public BufferedImage renderImage(int view) {
        return ViewImages.toImage(renders, view, channels, height, width);
    }
}
