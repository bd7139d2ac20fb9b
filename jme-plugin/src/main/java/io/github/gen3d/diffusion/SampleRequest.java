package io.github.gen3d.diffusion;

/**
 * One object to sample.
 *
 * @param condition what to condition on (not null; {@link Condition#none()} for unconditional models)
 * @param unconditional the condition for guidance's null branch (evaluated as an ordinary call), or null to pass
 *     {@code condition} with the {@link DenoiserCall#unconditional()} flag set and let the denoiser drop it
 * @param seed the noise seed; the same seed, settings and models give a bit-identical result
 */
public record SampleRequest(Condition condition, Condition unconditional, long seed) {
    /**
     * @throws IllegalArgumentException if the condition is null
     */
    public SampleRequest {
        if (condition == null) {
            throw new IllegalArgumentException("condition is null (use Condition.none())");
        }
    }

    /**
     * @param condition the condition (not null)
     * @param seed the seed
     * @return a request whose unconditional branch is left to the denoiser
     */
    public static SampleRequest of(Condition condition, long seed) {
        return new SampleRequest(condition, null, seed);
    }
}
