package io.github.gen3d.diffusion;

import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.ViewFit;
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
 * @param refinement how much the 3D render weighs in {@link Mode#SYNERGY}'s refined x0, or null for the model's own
 *     recommendation ({@code BundleSamplers} takes a bundle's {@code "sampler"} object) and otherwise
 *     {@link Refinement#FULL}, Algorithm 2's full replacement
 * @param inputFit after the final reconstruction, fit the Gaussians' colours and opacities to the input picture
 *     ({@link ViewFit#fitToInput}, the target views' renders held), or null for none. Applies to image conditions
 *     of RGB models and clouds of SH degree 0; otherwise it is skipped.
 */
public record SamplerSettings(SchedulerConfig scheduler, int steps, double eta, float guidanceScale, Mode mode,
        List<PinholeCamera> targetCameras, Refinement refinement, ViewFit.Settings inputFit) {

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
     * The weight w of the 3D render in the x0 that {@link Mode#SYNERGY}'s DDIM update uses for the target views,
     * {@code x̂0 = w·x0_3d + (1 − w)·x0_2d}, falling linearly with the timestep from {@code atNoise} at the noisiest
     * timestep (T − 1) to {@code atClean} at timestep 0: {@code w(t) = atClean + (atNoise − atClean)·t/(T − 1)}.
     * The reconstructor always gets the 2D model's x0; only the update is blended. {@link #FULL} (1, 1) is
     * Gen-3Diffusion's Algorithm 2; (1, 0) lets the 3D model fix the layout while the sample is noisy and the 2D
     * model draw the detail at the end (the default bundle's choice, docs/sampler.md).
     *
     * @param atNoise w at the noisiest timestep, in [0, 1]
     * @param atClean w at timestep 0, in [0, 1]
     */
    public record Refinement(double atNoise, double atClean) {
        /** Algorithm 2: the render replaces the 2D x0 at every step. */
        public static final Refinement FULL = new Refinement(1, 1);

        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException when a weight is outside [0, 1] or not a number
         */
        public Refinement {
            if (!(atNoise >= 0 && atNoise <= 1) || !(atClean >= 0 && atClean <= 1)) {
                throw new IllegalArgumentException("refinement weights must be in [0, 1], got " + atNoise + " and "
                        + atClean);
            }
        }

        /**
         * @param t the timestep, 0..trainTimesteps − 1
         * @param trainTimesteps the schedule's T (at least 1)
         * @return w(t)
         */
        public double weight(int t, int trainTimesteps) {
            if (atNoise == atClean || trainTimesteps <= 1) {
                return atNoise;
            }
            return atClean + (atNoise - atClean) * t / (trainTimesteps - 1);
        }
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
     * {@link Mode#SYNERGY}, the default rig, the model's own refinement (null), no input fit. Replace the scheduler with the one
     * the model was trained with.
     *
     * @return the settings
     */
    public static SamplerSettings defaults() {
        return new SamplerSettings(SchedulerConfig.defaults(), 50, 0.0, 5f, Mode.SYNERGY, null, null, null);
    }

    /**
     * @param config the scheduler configuration (not null)
     * @return a copy with that value
     */
    public SamplerSettings withScheduler(SchedulerConfig config) {
        return new SamplerSettings(config, steps, eta, guidanceScale, mode, targetCameras, refinement, inputFit);
    }

    /**
     * @param n DDIM steps
     * @return a copy with that value
     */
    public SamplerSettings withSteps(int n) {
        return new SamplerSettings(scheduler, n, eta, guidanceScale, mode, targetCameras, refinement, inputFit);
    }

    /**
     * @param value η ≥ 0
     * @return a copy with that value
     */
    public SamplerSettings withEta(double value) {
        return new SamplerSettings(scheduler, steps, value, guidanceScale, mode, targetCameras, refinement, inputFit);
    }

    /**
     * @param scale the guidance scale
     * @return a copy with that value
     */
    public SamplerSettings withGuidanceScale(float scale) {
        return new SamplerSettings(scheduler, steps, eta, scale, mode, targetCameras, refinement, inputFit);
    }

    /**
     * @param m the mode (not null)
     * @return a copy with that value
     */
    public SamplerSettings withMode(Mode m) {
        return new SamplerSettings(scheduler, steps, eta, guidanceScale, m, targetCameras, refinement, inputFit);
    }

    /**
     * @param cameras target cameras (null → the default rig; unaffected)
     * @return a copy with that value
     */
    public SamplerSettings withTargetCameras(List<PinholeCamera> cameras) {
        return new SamplerSettings(scheduler, steps, eta, guidanceScale, mode, cameras, refinement, inputFit);
    }

    /**
     * @param r the refinement (null → the model's own recommendation, otherwise {@link Refinement#FULL})
     * @return a copy with that value
     */
    public SamplerSettings withRefinement(Refinement r) {
        return new SamplerSettings(scheduler, steps, eta, guidanceScale, mode, targetCameras, r, inputFit);
    }

    /**
     * @param fit the input fit's settings (null → none)
     * @return a copy with that value
     */
    public SamplerSettings withInputFit(ViewFit.Settings fit) {
        return new SamplerSettings(scheduler, steps, eta, guidanceScale, mode, targetCameras, refinement, fit);
    }
}
