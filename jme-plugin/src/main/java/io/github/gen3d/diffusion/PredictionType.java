package io.github.gen3d.diffusion;

import java.util.Locale;

/**
 * What a denoising network predicts, named as in HuggingFace diffusers' {@code prediction_type}.
 *
 * <p>With {@code ᾱ_t} the cumulative product of {@code 1 − β} up to timestep t, a noisy sample is
 * {@code x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε}, and:
 * <ul>
 * <li>{@link #EPSILON}: the model predicts the noise ε; {@code x0 = (x_t − √(1−ᾱ_t)·ε) / √ᾱ_t};</li>
 * <li>{@link #V_PREDICTION}: the model predicts {@code v = √ᾱ_t·ε − √(1−ᾱ_t)·x0};
 * {@code x0 = √ᾱ_t·x_t − √(1−ᾱ_t)·v}, {@code ε = √ᾱ_t·v + √(1−ᾱ_t)·x_t};</li>
 * <li>{@link #SAMPLE}: the model predicts x0 itself; {@code ε = (x_t − √ᾱ_t·x0) / √(1−ᾱ_t)}.</li>
 * </ul>
 */
public enum PredictionType {
    /** The model predicts the added noise ε ("epsilon"). */
    EPSILON("epsilon"),
    /** The model predicts the velocity v ("v_prediction"). */
    V_PREDICTION("v_prediction"),
    /** The model predicts the clean sample x0 ("sample"). */
    SAMPLE("sample");

    private final String id;

    PredictionType(String id) {
        this.id = id;
    }

    /** @return the diffusers name: {@code epsilon}, {@code v_prediction} or {@code sample} */
    public String id() {
        return id;
    }

    /**
     * Looks a type up by its diffusers name (case-insensitive).
     *
     * @param id {@code epsilon}, {@code v_prediction} or {@code sample} (not null)
     * @return the type
     * @throws IllegalArgumentException for an unknown name
     */
    public static PredictionType fromId(String id) {
        if (id != null) {
            String lower = id.toLowerCase(Locale.ROOT);
            for (PredictionType p : values()) {
                if (p.id.equals(lower)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("unknown prediction type '" + id
                + "' (expected epsilon, v_prediction or sample)");
    }
}
