package io.github.gen3d.service;

import java.awt.image.BufferedImage;

/**
 * A job's progress, as its {@link GenerationListener}s see it.
 *
 * @param jobId the job's {@link GenerationJob#id()}
 * @param phase what the job is doing (not null)
 * @param step DDIM steps done (0 before sampling starts; {@code totalSteps} after it)
 * @param totalSteps DDIM steps in all
 * @param fraction the whole job's fraction done, in [0, 1]
 * @param etaSeconds estimated seconds left (NaN when unknown, e.g. before the first step)
 * @param twoD the 2D model's current estimate of the target views side by side, or null (not in every phase or
 *     mode; shared: do not modify)
 * @param threeD the current 3D estimate (its Gaussians rendered at the target views) side by side, or null (shared:
 *     do not modify)
 */
public record GenerationProgress(long jobId, Phase phase, int step, int totalSteps, double fraction,
        double etaSeconds, BufferedImage twoD, BufferedImage threeD) {

    /** What a job is doing. */
    public enum Phase {
        /** Waiting in the queue (or for the model to load). */
        QUEUED,
        /** Reading and preparing the input picture, or drawing one for a category. */
        PREPARING,
        /** Running the diffusion sampler. */
        SAMPLING,
        /** Extracting the mesh. */
        MESHING,
        /** Finished (done, failed or cancelled: see the job's future). */
        FINISHED
    }

    @Override
    public String toString() {
        return String.format("job %d %s step %d/%d %.0f%%%s", jobId, phase, step, totalSteps, 100 * fraction,
                Double.isNaN(etaSeconds) ? "" : String.format(", %.1f s left", etaSeconds));
    }
}
