package io.github.gen3d.diffusion;

import io.github.gen3d.render.PinholeCamera;
import java.util.List;

/**
 * How {@link SynergySampler} samples. Immutable; start from {@link #defaults()} and change fields with the
 * {@code with…} methods.
 *
 * @param scheduler the DDIM configuration (must match the denoiser's training; its prediction type is replaced by the
 *     denoiser's own {@link MultiViewDenoiser#predictionType()})
 * @param steps DDIM steps, 1..T (Gen-3Diffusion: 50)
 * @param eta DDIM η ≥ 0 (0: deterministic given the initial noise)
 * @param guidanceScale classifier-free guidance scale s (Gen-3Diffusion: 5); exactly 1 skips the unconditional
 *     branch
 * @param mode the full algorithm or one of the paper's ablations
 * @param targetCameras the cameras of the target views, or null for
 *     {@code ViewRig.targetViews(denoiser.width(), denoiser.height())}; each of the denoiser's view size. Held as an
 *     unmodifiable copy.
 */
public record SamplerSettings(SchedulerConfig scheduler, int steps, double eta, float guidanceScale, Mode mode,
        List<PinholeCamera> targetCameras) {

    /** The algorithm and its ablations (Gen-3Diffusion, Sec. 4 ablations). */
    public enum Mode {
        /**
         * Algorithm 2: every step the 2D model's x0 goes through the reconstructor, and the renders of its Gaussians
         * replace x0 for the target views in the DDIM update.
         */
        SYNERGY,
        /** No trajectory refinement: plain 2D DDIM sampling; the reconstructor runs once, at the end. */
        TWO_D_ONLY,
        /**
         * No 2D prior: the reconstructor alone, fed x_t and the render of its own previous output (zeros at the
         * first step); the denoiser is never called. Needs as many target cameras as views.
         */
        NO_2D_PRIOR
    }

    /**
     * Checks the values and copies the camera list.
     *
     * @throws IllegalArgumentException for a null scheduler or mode, steps &lt; 1, a negative or non-finite η or scale,
     *     or an empty camera list
     */
    public SamplerSettings {
        if (scheduler == null || mode == null) {
            throw new IllegalArgumentException("scheduler and mode must not be null");
        }
        if (steps < 1 || steps > scheduler.numTrainTimesteps()) {
            throw new IllegalArgumentException("steps must be in 1.." + scheduler.numTrainTimesteps() + ", got "
                    + steps);
        }
        if (!(eta >= 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("eta must be finite and >= 0, got " + eta);
        }
        if (!Float.isFinite(guidanceScale)) {
            throw new IllegalArgumentException("guidance scale must be finite, got " + guidanceScale);
        }
        if (targetCameras != null) {
            if (targetCameras.isEmpty()) {
                throw new IllegalArgumentException("need at least one target camera");
            }
            targetCameras = List.copyOf(targetCameras);
        }
    }

    /**
     * Gen-3Diffusion's sampling settings over diffusers' default DDIM configuration: 50 steps, η = 0, guidance 5,
     * {@link Mode#SYNERGY}, the default rig. Replace the scheduler with the one the model was trained with.
     *
     * @return the settings
     */
    public static SamplerSettings defaults() {
        return new SamplerSettings(SchedulerConfig.defaults(), 50, 0.0, 5f, Mode.SYNERGY, null);
    }

    /**
     * @param config the scheduler configuration (not null)
     * @return a copy with that value
     */
    public SamplerSettings withScheduler(SchedulerConfig config) {
        return new SamplerSettings(config, steps, eta, guidanceScale, mode, targetCameras);
    }

    /**
     * @param n DDIM steps
     * @return a copy with that value
     */
    public SamplerSettings withSteps(int n) {
        return new SamplerSettings(scheduler, n, eta, guidanceScale, mode, targetCameras);
    }

    /**
     * @param value η ≥ 0
     * @return a copy with that value
     */
    public SamplerSettings withEta(double value) {
        return new SamplerSettings(scheduler, steps, value, guidanceScale, mode, targetCameras);
    }

    /**
     * @param scale the guidance scale
     * @return a copy with that value
     */
    public SamplerSettings withGuidanceScale(float scale) {
        return new SamplerSettings(scheduler, steps, eta, scale, mode, targetCameras);
    }

    /**
     * @param m the mode (not null)
     * @return a copy with that value
     */
    public SamplerSettings withMode(Mode m) {
        return new SamplerSettings(scheduler, steps, eta, guidanceScale, m, targetCameras);
    }

    /**
     * @param cameras target cameras (null → the default rig; unaffected)
     * @return a copy with that value
     */
    public SamplerSettings withTargetCameras(List<PinholeCamera> cameras) {
        return new SamplerSettings(scheduler, steps, eta, guidanceScale, mode, cameras);
    }
}
