package io.github.gen3d.diffusion;

/**
 * Classifier-free guidance (Ho &amp; Salimans 2022): {@code out = u + s·(c − u)} for the unconditional output u and the
 * conditional output c of the same model at the same input. It works on whatever the model predicts (ε, v or x0),
 * since all three are affine in the prediction. Scale 1 is the conditional output; 0 the unconditional one.
 */
public final class Guidance {
    private Guidance() {
    }

    /**
     * Combines the two outputs in float arithmetic ({@code u + s·(c − u)}, as the usual float32 pipelines do).
     *
     * @param unconditional the unconditional output (not null, unaffected)
     * @param conditional the conditional output of the same length (not null, unaffected)
     * @param scale the guidance scale s (finite)
     * @return a new array
     * @throws IllegalArgumentException on mismatched lengths or a non-finite scale
     */
    public static float[] apply(float[] unconditional, float[] conditional, float scale) {
        NoiseSchedule.sameLength(unconditional, conditional, "unconditional", "conditional");
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("guidance scale must be finite, got " + scale);
        }
        float[] out = new float[conditional.length];
        for (int i = 0; i < out.length; i++) {
            float u = unconditional[i];
            out[i] = u + scale * (conditional[i] - u);
        }
        return out;
    }
}
