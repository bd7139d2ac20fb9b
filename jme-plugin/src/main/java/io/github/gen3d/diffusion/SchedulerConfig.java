package io.github.gen3d.diffusion;

/**
 * The configuration shared by {@link DdimScheduler} and {@link DdpmScheduler}, with the meaning and defaults of the
 * same-named arguments of HuggingFace diffusers' {@code DDIMScheduler} / {@code DDPMScheduler}.
 *
 * <p>Immutable; start from {@link #defaults()} or {@link #stableDiffusion()} and change fields with the
 * {@code with…} methods:
 * <pre>{@code
 * SchedulerConfig cfg = SchedulerConfig.defaults().withPredictionType(PredictionType.V_PREDICTION)
 *         .withTimestepSpacing(SchedulerConfig.TimestepSpacing.TRAILING);
 * }</pre>
 *
 * @param numTrainTimesteps timesteps the model was trained with ({@code num_train_timesteps}), 1..100000
 * @param betaSchedule how β is laid out over the training timesteps ({@code beta_schedule})
 * @param betaStart first β for the linear schedules ({@code beta_start}); ignored by the cosine schedule
 * @param betaEnd last β for the linear schedules ({@code beta_end}); ignored by the cosine schedule
 * @param predictionType what the model predicts ({@code prediction_type})
 * @param timestepSpacing how inference timesteps are chosen ({@code timestep_spacing})
 * @param stepsOffset added to every timestep with {@link TimestepSpacing#LEADING} spacing ({@code steps_offset}), ≥ 0
 * @param setAlphaToOne DDIM only: the "previous ᾱ" of the last step is 1 (true) or {@code ᾱ_0} (false)
 *     ({@code set_alpha_to_one})
 * @param clipSample clamp the predicted x0 to {@code ±clipSampleRange} ({@code clip_sample})
 * @param clipSampleRange the clamp bound ({@code clip_sample_range}), &gt; 0
 */
public record SchedulerConfig(int numTrainTimesteps, BetaSchedule betaSchedule, double betaStart, double betaEnd,
        PredictionType predictionType, TimestepSpacing timestepSpacing, int stepsOffset, boolean setAlphaToOne,
        boolean clipSample, double clipSampleRange) {

    /** Largest accepted {@code numTrainTimesteps}. */
    public static final int MAX_TRAIN_TIMESTEPS = 100_000;

    /** The β layout over the training timesteps. */
    public enum BetaSchedule {
        /** {@code β_i = linspace(betaStart, betaEnd, T)[i]} ("linear"). */
        LINEAR,
        /** {@code β_i = linspace(√betaStart, √betaEnd, T)[i]²} ("scaled_linear", Stable Diffusion's). */
        SCALED_LINEAR,
        /**
         * The GLIDE / improved-DDPM cosine schedule ("squaredcos_cap_v2"):
         * {@code β_i = min(1 − f((i+1)/T) / f(i/T), 0.999)}, {@code f(u) = cos²((u + 0.008)/1.008 · π/2)}.
         */
        SQUAREDCOS_CAP_V2
    }

    /** How the inference timesteps are picked from the training timesteps (see Lin et al. 2023, Table 2). */
    public enum TimestepSpacing {
        /**
         * {@code round(arange(0, N)·(T div N))} reversed, plus {@code stepsOffset}: 980, 960, …, 0 for T=1000, N=50.
         */
        LEADING,
        /** {@code round(arange(T, 0, −T/N)) − 1}: 999, 979, …, 19 for T=1000, N=50. */
        TRAILING,
        /** {@code round(linspace(0, T−1, N))} reversed: 999, 979, 958, …, 0 for T=1000, N=50. */
        LINSPACE
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range or an enum is null
     */
    public SchedulerConfig {
        if (numTrainTimesteps < 1 || numTrainTimesteps > MAX_TRAIN_TIMESTEPS) {
            throw new IllegalArgumentException("numTrainTimesteps must be in 1.." + MAX_TRAIN_TIMESTEPS + ", got "
                    + numTrainTimesteps);
        }
        if (betaSchedule == null || predictionType == null || timestepSpacing == null) {
            throw new IllegalArgumentException("betaSchedule, predictionType and timestepSpacing must not be null");
        }
        if (betaSchedule != BetaSchedule.SQUAREDCOS_CAP_V2
                && !(betaStart > 0 && betaStart < 1 && betaEnd > 0 && betaEnd < 1)) {
            throw new IllegalArgumentException("betaStart and betaEnd must be in (0, 1), got " + betaStart + ", "
                    + betaEnd);
        }
        if (stepsOffset < 0 || stepsOffset >= numTrainTimesteps) {
            throw new IllegalArgumentException("stepsOffset must be in 0.." + (numTrainTimesteps - 1) + ", got "
                    + stepsOffset);
        }
        if (!(clipSampleRange > 0) || Double.isInfinite(clipSampleRange)) {
            throw new IllegalArgumentException("clipSampleRange must be finite and > 0, got " + clipSampleRange);
        }
    }

    /**
     * diffusers' {@code DDIMScheduler()} defaults: T = 1000, linear β from 1e-4 to 0.02, ε-prediction, leading spacing,
     * offset 0, {@code set_alpha_to_one}, clip x0 to ±1.
     *
     * @return the configuration
     */
    public static SchedulerConfig defaults() {
        return new SchedulerConfig(1000, BetaSchedule.LINEAR, 1e-4, 0.02, PredictionType.EPSILON,
                TimestepSpacing.LEADING, 0, true, true, 1.0);
    }

    /**
     * The scheduler configuration published with Stable Diffusion 1.x/2.x base models (and the multi-view models
     * fine-tuned from them): T = 1000, scaled-linear β from 0.00085 to 0.012, ε-prediction, leading spacing with
     * offset 1, {@code set_alpha_to_one = false}, no clipping.
     *
     * @return the configuration
     */
    public static SchedulerConfig stableDiffusion() {
        return new SchedulerConfig(1000, BetaSchedule.SCALED_LINEAR, 0.00085, 0.012, PredictionType.EPSILON,
                TimestepSpacing.LEADING, 1, false, false, 1.0);
    }

    /**
     * @param t training timesteps, 1..100000
     * @return a copy with that value
     */
    public SchedulerConfig withNumTrainTimesteps(int t) {
        return new SchedulerConfig(t, betaSchedule, betaStart, betaEnd, predictionType, timestepSpacing, stepsOffset,
                setAlphaToOne, clipSample, clipSampleRange);
    }

    /**
     * @param schedule the β schedule (not null)
     * @param start first β (linear schedules)
     * @param end last β (linear schedules)
     * @return a copy with those values
     */
    public SchedulerConfig withBetas(BetaSchedule schedule, double start, double end) {
        return new SchedulerConfig(numTrainTimesteps, schedule, start, end, predictionType, timestepSpacing,
                stepsOffset, setAlphaToOne, clipSample, clipSampleRange);
    }

    /**
     * @param type what the model predicts (not null)
     * @return a copy with that value
     */
    public SchedulerConfig withPredictionType(PredictionType type) {
        return new SchedulerConfig(numTrainTimesteps, betaSchedule, betaStart, betaEnd, type, timestepSpacing,
                stepsOffset, setAlphaToOne, clipSample, clipSampleRange);
    }

    /**
     * @param spacing the timestep spacing (not null)
     * @param offset the steps offset (leading spacing only), ≥ 0
     * @return a copy with those values
     */
    public SchedulerConfig withTimestepSpacing(TimestepSpacing spacing, int offset) {
        return new SchedulerConfig(numTrainTimesteps, betaSchedule, betaStart, betaEnd, predictionType, spacing,
                offset, setAlphaToOne, clipSample, clipSampleRange);
    }

    /**
     * @param spacing the timestep spacing (not null); the steps offset is kept
     * @return a copy with that value
     */
    public SchedulerConfig withTimestepSpacing(TimestepSpacing spacing) {
        return withTimestepSpacing(spacing, stepsOffset);
    }

    /**
     * @param one whether the last DDIM step's previous ᾱ is 1
     * @return a copy with that value
     */
    public SchedulerConfig withSetAlphaToOne(boolean one) {
        return new SchedulerConfig(numTrainTimesteps, betaSchedule, betaStart, betaEnd, predictionType,
                timestepSpacing, stepsOffset, one, clipSample, clipSampleRange);
    }

    /**
     * @param clip whether to clamp the predicted x0
     * @param range the clamp bound, &gt; 0
     * @return a copy with those values
     */
    public SchedulerConfig withClipSample(boolean clip, double range) {
        return new SchedulerConfig(numTrainTimesteps, betaSchedule, betaStart, betaEnd, predictionType,
                timestepSpacing, stepsOffset, setAlphaToOne, clip, range);
    }

    /**
     * @param clip whether to clamp the predicted x0 (the range is kept)
     * @return a copy with that value
     */
    public SchedulerConfig withClipSample(boolean clip) {
        return withClipSample(clip, clipSampleRange);
    }
}
