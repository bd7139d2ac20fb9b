package io.github.gen3d.diffusion;

/**
 * The DDIM sampler (Song et al. 2021) exactly as HuggingFace diffusers' {@code DDIMScheduler.step} computes it, for
 * a fixed number of inference steps.
 *
 * <p>One step from timestep {@code t} to {@code t' = t − T div N} (diffusers uses this previous timestep for every
 * spacing; {@code t' < 0} means "the end", where ᾱ_{t'} is 1 with {@code setAlphaToOne}, else ᾱ_0):
 * <pre>
 *   x0 = from the model output (see {@link PredictionType}), ε likewise; x0 clamped to ±range if clipSample
 *   σ² = (1 − ᾱ_{t'}) / (1 − ᾱ_t) · (1 − ᾱ_t / ᾱ_{t'});   σ = η·√σ²
 *   x_{t'} = √ᾱ_{t'}·x0 + √(1 − ᾱ_{t'} − σ²)·ε + σ·z        (z standard normal, used only when η &gt; 0)
 * </pre>
 * ε is computed from the unclipped x0 (diffusers' default {@code use_clipped_model_output = False}). Arithmetic is in
 * double per element; arrays are float32.
 *
 * <p>Usage:
 * <pre>{@code
 * DdimScheduler ddim = new DdimScheduler(SchedulerConfig.defaults(), 50);
 * float[] x = noise.gaussian(n);
 * for (int t : ddim.timesteps()) {
 *     x = ddim.step(model.predict(x, t), t, x, 0.0, null).prevSample();
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; arguments are never modified.
 */
public final class DdimScheduler {
    private final SchedulerConfig config;
    private final NoiseSchedule schedule;
    private final int steps;
    private final int[] timesteps;
    private final double finalAlphaCumprod;

    /**
     * @param config the configuration (not null)
     * @param numInferenceSteps number of sampling steps, 1..T
     * @throws IllegalArgumentException if the steps are out of range or the spacing yields a timestep outside 0..T−1
     */
    public DdimScheduler(SchedulerConfig config, int numInferenceSteps) {
        this(config, NoiseSchedule.of(config), numInferenceSteps);
    }

    /**
     * A scheduler over an explicit schedule (for trained betas); the schedule's size replaces
     * {@code config.numTrainTimesteps()}.
     *
     * @param config the configuration (not null)
     * @param schedule the noise schedule (not null)
     * @param numInferenceSteps number of sampling steps, 1..T
     */
    public DdimScheduler(SchedulerConfig config, NoiseSchedule schedule, int numInferenceSteps) {
        if (config == null || schedule == null) {
            throw new IllegalArgumentException("config and schedule must not be null");
        }
        this.config = config.numTrainTimesteps() == schedule.size() ? config
                : config.withNumTrainTimesteps(schedule.size());
        this.schedule = schedule;
        this.steps = numInferenceSteps;
        this.timesteps = Timesteps.compute(this.config, numInferenceSteps);
        this.finalAlphaCumprod = config.setAlphaToOne() ? 1.0 : schedule.alphaCumprod(0);
    }

    /** @return the configuration */
    public SchedulerConfig config() {
        return config;
    }

    /** @return the noise schedule */
    public NoiseSchedule schedule() {
        return schedule;
    }

    /** @return the number of inference steps N */
    public int numInferenceSteps() {
        return steps;
    }

    /** @return the timesteps in sampling order (a copy) */
    public int[] timesteps() {
        return timesteps.clone();
    }

    /**
     * @param t a timestep
     * @return {@code t − T div N}; negative means the final step
     */
    public int previousTimestep(int t) {
        return t - config.numTrainTimesteps() / steps;
    }

    /**
     * @param t a timestep, 0..T−1
     * @return ᾱ of the step's target {@link #previousTimestep}: the schedule's value, or the final ᾱ when negative
     */
    public double previousAlphaCumprod(int t) {
        int p = previousTimestep(t);
        return p >= 0 ? schedule.alphaCumprod(p) : finalAlphaCumprod;
    }

    /**
     * diffusers' {@code _get_variance}: {@code (1 − ᾱ_{t'})/(1 − ᾱ_t) · (1 − ᾱ_t/ᾱ_{t'})}, the variance at η = 1.
     *
     * @param t timestep, 0..T−1
     * @return the variance
     */
    public double variance(int t) {
        double at = schedule.alphaCumprod(t), ap = previousAlphaCumprod(t);
        return (1 - ap) / (1 - at) * (1 - at / ap);
    }

    /**
     * One step with the configured prediction type.
     *
     * @param modelOutput the (guided) model output at {@code (sample, t)} (not null, unaffected)
     * @param t the current timestep, 0..T−1
     * @param sample x_t (not null, unaffected; same length)
     * @param eta η ≥ 0: 0 is deterministic DDIM, 1 matches DDPM's posterior variance
     * @param noise standard normal noise for the η term (same length; may be null when η = 0; unaffected)
     * @return x_{t'} and the predicted x0
     * @throws IllegalArgumentException on mismatched lengths, η &lt; 0 or missing noise
     */
    public SchedulerStep step(float[] modelOutput, int t, float[] sample, double eta, float[] noise) {
        return step(config.predictionType(), modelOutput, t, sample, eta, noise);
    }

    /**
     * One step with the given prediction type ({@link PredictionType#SAMPLE} steps from a given x0).
     *
     * @param type what {@code modelOutput} is (not null)
     * @param modelOutput the model output (not null, unaffected)
     * @param t the current timestep, 0..T−1
     * @param sample x_t (not null, unaffected)
     * @param eta η ≥ 0
     * @param noise standard normal noise (may be null when η = 0; unaffected)
     * @return x_{t'} and the predicted x0
     */
    public SchedulerStep step(PredictionType type, float[] modelOutput, int t, float[] sample, double eta,
            float[] noise) {
        NoiseSchedule.sameLength(modelOutput, sample, "modelOutput", "sample");
        if (type == null) {
            throw new IllegalArgumentException("prediction type is null");
        }
        if (!(eta >= 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("eta must be finite and >= 0, got " + eta);
        }
        if (eta > 0) {
            if (noise == null) {
                throw new IllegalArgumentException("eta > 0 needs noise");
            }
            NoiseSchedule.sameLength(noise, sample, "noise", "sample");
        }
        double at = schedule.alphaCumprod(t), ap = previousAlphaCumprod(t);
        double sa = Math.sqrt(at), sb = Math.sqrt(1 - at);
        double std = eta * Math.sqrt(variance(t));
        double sap = Math.sqrt(ap);
        double dir = Math.sqrt(1 - ap - std * std);
        boolean clip = config.clipSample();
        double range = config.clipSampleRange();
        float[] prev = new float[sample.length];
        float[] x0out = new float[sample.length];
        for (int i = 0; i < prev.length; i++) {
            double x = sample[i], o = modelOutput[i];
            double x0 = NoiseSchedule.x0(type, o, x, sa, sb);
            double e = NoiseSchedule.eps(type, o, x, sa, sb);
            if (clip) {
                x0 = Math.max(-range, Math.min(range, x0));
            }
            double p = sap * x0 + dir * e;
            if (eta > 0) {
                p += std * noise[i];
            }
            prev[i] = (float) p;
            x0out[i] = (float) x0;
        }
        return new SchedulerStep(prev, x0out);
    }

    @Override
    public String toString() {
        return "DdimScheduler[" + steps + " steps, " + config + "]";
    }
}
