package io.github.gen3d.diffusion;

import java.util.Arrays;

/**
 * The DDPM ancestral sampler (Ho et al. 2020) exactly as HuggingFace diffusers' {@code DDPMScheduler.step} computes
 * it, for {@code fixed_small} and {@code fixed_large} variances.
 *
 * <p>One step from {@code t} to the next timestep {@code t'} of the schedule ({@code −1} after the last; ᾱ_{−1} = 1):
 * <pre>
 *   x0 from the model output (see {@link PredictionType}), clamped if clipSample
 *   α_t' := ᾱ_t / ᾱ_{t'},  β_t' := 1 − α_t'
 *   μ = √ᾱ_{t'}·β_t' / (1 − ᾱ_t) · x0 + √α_t'·(1 − ᾱ_{t'}) / (1 − ᾱ_t) · x_t
 *   x_{t'} = μ + √var · z  for t &gt; 0, with var = max((1 − ᾱ_{t'})/(1 − ᾱ_t)·β_t', 1e-20) (fixed_small) or β_t'
 *   (fixed_large)
 * </pre>
 *
 * <p>Immutable and thread-safe; arguments are never modified.
 */
public final class DdpmScheduler {
    /** The fixed posterior variances diffusers offers (learned variances are not supported). */
    public enum VarianceType {
        /** The true posterior variance β̃ ("fixed_small"), clamped below at 1e-20. */
        FIXED_SMALL,
        /** The forward variance β ("fixed_large"). */
        FIXED_LARGE
    }

    private final SchedulerConfig config;
    private final NoiseSchedule schedule;
    private final VarianceType varianceType;
    private final int[] timesteps;
    private final int[] previous;

    /**
     * A scheduler over all T training timesteps (T−1, …, 0), diffusers' state before {@code set_timesteps}.
     *
     * @param config the configuration (not null; its spacing is not used)
     * @param varianceType the variance (not null)
     */
    public DdpmScheduler(SchedulerConfig config, VarianceType varianceType) {
        this(config, varianceType, 0, true);
    }

    /**
     * @param config the configuration (not null)
     * @param varianceType the variance (not null)
     * @param numInferenceSteps 1..T sampling steps, spaced as the configuration says
     * @throws IllegalArgumentException if the steps are out of range
     */
    public DdpmScheduler(SchedulerConfig config, VarianceType varianceType, int numInferenceSteps) {
        this(config, varianceType, numInferenceSteps, false);
    }

    private DdpmScheduler(SchedulerConfig config, VarianceType varianceType, int numInferenceSteps, boolean all) {
        if (config == null || varianceType == null) {
            throw new IllegalArgumentException("config and varianceType must not be null");
        }
        this.config = config;
        this.schedule = NoiseSchedule.of(config);
        this.varianceType = varianceType;
        int n = config.numTrainTimesteps();
        if (all) {
            timesteps = new int[n];
            for (int i = 0; i < n; i++) {
                timesteps[i] = n - 1 - i;
            }
        } else {
            timesteps = Timesteps.compute(config, numInferenceSteps);
        }
        // diffusers looks t up in its timestep list and takes the next entry (-1 after the last)
        previous = new int[n];
        Arrays.fill(previous, Integer.MIN_VALUE);
        for (int i = 0; i < timesteps.length; i++) {
            if (previous[timesteps[i]] == Integer.MIN_VALUE) {
                previous[timesteps[i]] = i + 1 < timesteps.length ? timesteps[i + 1] : -1;
            }
        }
    }

    /** @return the configuration */
    public SchedulerConfig config() {
        return config;
    }

    /** @return the noise schedule */
    public NoiseSchedule schedule() {
        return schedule;
    }

    /** @return the variance type */
    public VarianceType varianceType() {
        return varianceType;
    }

    /** @return the timesteps in sampling order (a copy) */
    public int[] timesteps() {
        return timesteps.clone();
    }

    /**
     * @param t a timestep of {@link #timesteps()}
     * @return the next timestep in the list, or −1 after the last
     * @throws IllegalArgumentException if {@code t} is not one of the timesteps
     */
    public int previousTimestep(int t) {
        if (t < 0 || t >= previous.length || previous[t] == Integer.MIN_VALUE) {
            throw new IllegalArgumentException("timestep " + t + " is not one of this scheduler's timesteps");
        }
        return previous[t];
    }

    /**
     * The noise variance added at {@code t} (0 at t = 0, where no noise is added).
     *
     * @param t a timestep of {@link #timesteps()}
     * @return the variance
     */
    public double variance(int t) {
        if (t == 0) {
            return 0;
        }
        int p = previousTimestep(t);
        double at = schedule.alphaCumprod(t), ap = p >= 0 ? schedule.alphaCumprod(p) : 1.0;
        double curBeta = 1 - at / ap;
        return varianceType == VarianceType.FIXED_SMALL ? Math.max((1 - ap) / (1 - at) * curBeta, 1e-20) : curBeta;
    }

    /**
     * One step with the configured prediction type.
     *
     * @param modelOutput the model output (not null, unaffected)
     * @param t the current timestep (one of {@link #timesteps()})
     * @param sample x_t (not null, unaffected)
     * @param noise standard normal noise (same length; may be null only when {@code t == 0}; unaffected)
     * @return x_{t'} and the predicted x0
     */
    public SchedulerStep step(float[] modelOutput, int t, float[] sample, float[] noise) {
        NoiseSchedule.sameLength(modelOutput, sample, "modelOutput", "sample");
        int p = previousTimestep(t);
        if (t > 0) {
            if (noise == null) {
                throw new IllegalArgumentException("a DDPM step at t > 0 needs noise");
            }
            NoiseSchedule.sameLength(noise, sample, "noise", "sample");
        }
        double at = schedule.alphaCumprod(t), ap = p >= 0 ? schedule.alphaCumprod(p) : 1.0;
        double bt = 1 - at, bp = 1 - ap;
        double curAlpha = at / ap, curBeta = 1 - curAlpha;
        double cx0 = Math.sqrt(ap) * curBeta / bt;
        double cxt = Math.sqrt(curAlpha) * bp / bt;
        double sa = Math.sqrt(at), sb = Math.sqrt(bt);
        double std = Math.sqrt(variance(t));
        PredictionType type = config.predictionType();
        boolean clip = config.clipSample();
        double range = config.clipSampleRange();
        float[] prev = new float[sample.length];
        float[] x0out = new float[sample.length];
        for (int i = 0; i < prev.length; i++) {
            double x = sample[i];
            double x0 = NoiseSchedule.x0(type, modelOutput[i], x, sa, sb);
            if (clip) {
                x0 = Math.max(-range, Math.min(range, x0));
            }
            double m = cx0 * x0 + cxt * x;
            if (t > 0) {
                m += std * noise[i];
            }
            prev[i] = (float) m;
            x0out[i] = (float) x0;
        }
        return new SchedulerStep(prev, x0out);
    }

    @Override
    public String toString() {
        return "DdpmScheduler[" + timesteps.length + " steps, " + varianceType + ", " + config + "]";
    }
}
