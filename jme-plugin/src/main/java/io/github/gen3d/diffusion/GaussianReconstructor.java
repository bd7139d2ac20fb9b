package io.github.gen3d.diffusion;

import io.github.gen3d.splat.GaussianCloud;

/**
 * A 3D-Gaussian reconstructor (Gen-3Diffusion's 3D diffusion model, an LGM-style network): from the noisy target
 * views, the timestep, the 2D model's x0 estimate of those views and the condition, it produces 3D Gaussians whose
 * renders at the target cameras are its own, 3D-consistent, x0 estimate.
 *
 * <p>Arrays are planar {@code K×C×H×W} for the K target views (the sampler's cameras), in the same space as the
 * denoiser's views. A sampler calls one reconstructor from one thread at a time.
 */
public interface GaussianReconstructor {
    /**
     * @param noisyViews x_t of the target views (live; must not be changed)
     * @param timestep the training timestep t
     * @param x0Estimate the 2D x0 estimate of the target views, clipped as the scheduler clips (live; must not be
     *     changed); in the "no 2D prior" ablation, the render of this reconstructor's previous output (zeros at the
     *     first step)
     * @param condition the condition (not null)
     * @return the Gaussians in the rig's frame (see {@code io.github.gen3d.render.ViewRig}); not null. The sampler
     *     only reads it and hands the final one to the caller.
     */
    GaussianCloud reconstruct(float[] noisyViews, int timestep, float[] x0Estimate, Condition condition);
}
