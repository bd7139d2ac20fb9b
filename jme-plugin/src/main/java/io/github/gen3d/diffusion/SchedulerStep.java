package io.github.gen3d.diffusion;

/**
 * What one scheduler step produces (diffusers' {@code prev_sample} and {@code pred_original_sample}).
 *
 * @param prevSample the sample at the previous timestep, x_{t−1} (a new array owned by the caller)
 * @param predictedX0 the predicted clean sample x0 after clipping, if the configuration clips (a new array)
 */
public record SchedulerStep(float[] prevSample, float[] predictedX0) {
}
