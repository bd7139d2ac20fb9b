package io.github.gen3d.trainer;

import io.github.gen3d.dataset.PropCategory;
import io.github.gen3d.diffusion.SamplerSettings;

/**
 * One row of {@code results.csv}: one test prop sampled and scored in one mode (see {@code docs/evaluation.md}).
 *
 * @param seed the prop seed
 * @param category its category
 * @param mode the sampler mode
 * @param error why the prop failed, or null when it was scored (the metrics are then NaN)
 * @param psnr mean PSNR over the novel views (dB)
 * @param maskedPsnr mean object-masked PSNR (dB)
 * @param ssim mean SSIM
 * @param chamfer Chamfer distance of the extracted mesh (unit cube)
 * @param fScore F-score at τ = 0.05
 * @param secondsSampling wall time of the sampling
 * @param secondsMesh wall time of the mesh extraction
 * @param gaussians Gaussians sampled
 * @param triangles triangles extracted
 */
record EvalRow(long seed, PropCategory category, SamplerSettings.Mode mode, String error, double psnr,
        double maskedPsnr, double ssim, double chamfer, double fScore, double secondsSampling, double secondsMesh,
        int gaussians, int triangles) {
    /** The metric columns, in order. */
    static final String[] METRICS = {"psnr", "masked_psnr", "ssim", "chamfer", "fscore", "seconds_sampling",
        "seconds_mesh", "gaussians", "triangles"};

    /**
     * @param seed the prop seed
     * @param category the category
     * @param mode the mode
     * @param e what went wrong (not null)
     * @return a failed row
     */
    static EvalRow failed(long seed, PropCategory category, SamplerSettings.Mode mode, Throwable e) {
        String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new EvalRow(seed, category, mode, msg, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, 0, 0);
    }

    /** @return whether the prop was scored */
    boolean ok() {
        return error == null;
    }

    /** @return the metric values in {@link #METRICS} order */
    double[] metrics() {
        return new double[] {psnr, maskedPsnr, ssim, chamfer, fScore, secondsSampling, secondsMesh, gaussians,
            triangles};
    }
}
