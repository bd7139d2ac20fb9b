package io.github.gen3d.diffusion;

import java.util.ArrayList;
import java.util.List;

/**
 * A multi-view 2D diffusion model: given V noisy views of one object, a timestep and a condition, it predicts ε, v or
 * x0 for all views at once (what it predicts is {@link #predictionType()}).
 *
 * <p>Views are planar float arrays {@code V×C×H×W}: view-major, then channel, then row (row 0 at the top), then
 * column, in the sampler's value range ([−1, 1] for images; latent models use their latent space and supply a
 * matching {@link ViewRenderer}). The first views are the target views that the sampler renders and refines; any
 * further views (an ImageDream-style context frame) are only denoised.
 *
 * <p>Implementations adapt a network (the model runtime wraps TorchScript models through DJL) or are analytic
 * stand-ins in tests. A sampler calls one denoiser from one thread at a time.
 */
public interface MultiViewDenoiser {
    /** @return what {@link #predict} returns */
    PredictionType predictionType();

    /** @return V, the number of views per sample (≥ 1) */
    int viewCount();

    /** @return C, channels per view (≥ 1) */
    int channels();

    /** @return H, view height in pixels (≥ 1) */
    int height();

    /** @return W, view width in pixels (≥ 1) */
    int width();

    /**
     * Evaluates the model once.
     *
     * @param call the input (not null; its arrays must not be changed)
     * @return a new array of {@code V·C·H·W} finite floats, owned by the caller
     */
    float[] predict(DenoiserCall call);

    /**
     * Evaluates several inputs, for instance the conditional and unconditional branches of guidance for a batch of
     * requests. The default runs {@link #predict} on each in order; a backend that batches overrides it and must give
     * the same results.
     *
     * @param calls the inputs (not null, unaffected)
     * @return one output per input, in order
     */
    default List<float[]> predictBatch(List<DenoiserCall> calls) {
        List<float[]> out = new ArrayList<>(calls.size());
        for (DenoiserCall c : calls) {
            out.add(predict(c));
        }
        return out;
    }
}
