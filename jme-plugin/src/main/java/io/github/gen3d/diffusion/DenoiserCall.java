package io.github.gen3d.diffusion;

/**
 * One evaluation of a {@link MultiViewDenoiser}.
 *
 * @param noisyViews x_t for all the denoiser's views, planar {@code V×C×H×W} (live; the denoiser must not change it)
 * @param timestep the training timestep t, 0..T−1
 * @param condition the condition (not null; {@link Condition#none()} for none)
 * @param unconditional true for the classifier-free-guidance null branch when the request gave no explicit
 *     unconditional condition: the denoiser replaces {@code condition} by its own null input (for instance a zero
 *     image embedding, as ImageDream does, or a "no class" label). When the request does give one, the null branch
 *     is an ordinary call with that condition and this flag false.
 */
public record DenoiserCall(float[] noisyViews, int timestep, Condition condition, boolean unconditional) {
    /**
     * @throws IllegalArgumentException if the views or the condition are null
     */
    public DenoiserCall {
        if (noisyViews == null || condition == null) {
            throw new IllegalArgumentException("noisyViews and condition must not be null");
        }
    }
}
