package io.github.gen3d.service;

/**
 * Receives a job's progress. Called on the generator's worker thread, in order, after each phase change and each
 * DDIM step: keep it short, do not block, and never touch the scene graph from it (hand work to the render thread
 * with {@code app.enqueue(...)}; {@link AssetGenerationState} does this for its placeholders). An exception thrown
 * here is logged and does not stop the job.
 */
@FunctionalInterface
public interface GenerationListener {
    /**
     * @param job the job (not null)
     * @param progress where it stands (not null)
     */
    void onProgress(GenerationJob job, GenerationProgress progress);
}
