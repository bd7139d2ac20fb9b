package io.github.gen3d.diffusion;

/**
 * Receives progress from {@link SynergySampler}, on the sampling thread, after every DDIM step of every request. It
 * should return quickly; an exception it throws ends the sampling and reaches the caller.
 */
@FunctionalInterface
public interface SamplerListener {
    /**
     * @param progress the step just finished (not null; its arrays now belong to the listener)
     */
    void onStep(StepProgress progress);
}
