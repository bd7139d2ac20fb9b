package io.github.gen3d.diffusion;

import java.awt.image.BufferedImage;

/**
 * One finished DDIM step of one request, with preview data. The arrays are fresh (the sampler keeps no reference),
 * planar {@code V×C×H×W} in the sampler's value range.
 *
 * @param requestIndex index of the request in the batch (0 for a single request)
 * @param step the step just finished, 0-based
 * @param totalSteps the number of DDIM steps
 * @param timestep the training timestep of this step
 * @param x0TwoD the 2D model's (guided, clipped) x0 estimate of all V views, or null in
 *     {@link SamplerSettings.Mode#NO_2D_PRIOR}
 * @param x0ThreeD the renders of the reconstructed Gaussians at the K target cameras, or null in
 *     {@link SamplerSettings.Mode#TWO_D_ONLY}
 * @param channels C
 * @param height H
 * @param width W
 * @param timings where this step's time went (for a batch: the whole batch's step)
 */
public record StepProgress(int requestIndex, int step, int totalSteps, int timestep, float[] x0TwoD, float[] x0ThreeD,
        int channels, int height, int width, StepTimings timings) {

    /**
     * @param view a view index, 0..V−1
     * @return a picture of the 2D estimate of that view
     * @throws IllegalStateException if there is no 2D estimate in this mode
     */
    public BufferedImage twoDImage(int view) {
        if (x0TwoD == null) {
            throw new IllegalStateException("no 2D estimate without the 2D prior");
        }
        return ViewImages.toImage(x0TwoD, view, channels, height, width);
    }

    /**
     * @param view a target view index, 0..K−1
     * @return a picture of the render of the Gaussians at that view
     * @throws IllegalStateException if nothing was rendered in this mode
     */
    public BufferedImage threeDImage(int view) {
        if (x0ThreeD == null) {
            throw new IllegalStateException("no 3D estimate without trajectory refinement");
        }
        return ViewImages.toImage(x0ThreeD, view, channels, height, width);
    }

    /** @return fraction done, {@code (step + 1) / totalSteps} */
    public double fraction() {
        return (step + 1) / (double) totalSteps;
    }
}
