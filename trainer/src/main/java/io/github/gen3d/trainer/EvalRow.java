package io.github.gen3d.trainer;

import io.github.gen3d.trainer.dataset.PropCategory;

/**
 * One row of {@code results.csv}: one test prop (or game-art asset) scored in one mode — a sampler mode or one of the
 * two baselines, {@value EvaluateTool#INPUT_REPEATED} and {@value EvaluateTool#ALL_WHITE} (see
 * {@code docs/evaluation.md}).
 *
 * @param seed the prop seed (for game art: the asset's seed, that of its pose and condition picture)
 * @param category its category, or null for game art (no category)
 * @param name what it is beyond the seed: the actor path for game art, or null for a procedural prop
 * @param mode the mode's command-line name: {@code synergy}, {@code 2d-only}, {@code no-2d-prior}, or a baseline
 * @param error why the prop failed, or null when it was scored (the metrics are then NaN)
 * @param all image metrics, mean over all novel views
 * @param level image metrics, mean over the level novel views (elevation 0°, even k)
 * @param elevated image metrics, mean over the elevated novel views
 *        ({@value EvaluateTool#NOVEL_ELEVATION_ODD}°, odd k)
 * @param chamfer Chamfer distance of the extracted mesh (unit cube); NaN for a baseline
 * @param fScore F-score at τ = 0.05; NaN for a baseline
 * @param secondsSampling wall time of the sampling; NaN for a baseline
 * @param secondsMesh wall time of the mesh extraction; NaN for a baseline
 * @param gaussians Gaussians sampled (0 for a baseline)
 * @param triangles triangles extracted (0 for a baseline)
 */
record EvalRow(long seed, PropCategory category, String name, String mode, String error, Image all, Image level,
        Image elevated, double chamfer, double fScore, double secondsSampling, double secondsMesh, int gaussians,
        int triangles) {
    /** The metric columns, in order ({@link #metrics()}). */
    static final String[] METRICS = {"psnr", "masked_psnr", "ssim", "chamfer", "fscore", "seconds_sampling",
        "seconds_mesh", "gaussians", "triangles", "psnr_level", "masked_psnr_level", "ssim_level", "psnr_elevated",
        "masked_psnr_elevated", "ssim_elevated"};
    /** Indices into {@link #METRICS} of the integer columns. */
    static final int GAUSSIANS = 7;
    static final int TRIANGLES = 8;

    /**
     * Image metrics over a set of novel views, each the mean over those views.
     *
     * @param psnr PSNR (dB)
     * @param maskedPsnr object-masked PSNR (dB)
     * @param ssim SSIM
     */
    record Image(double psnr, double maskedPsnr, double ssim) {
        /** Not scored. */
        static final Image NONE = new Image(Double.NaN, Double.NaN, Double.NaN);
    }

    EvalRow {
        if (mode == null || all == null || level == null || elevated == null) {
            throw new IllegalArgumentException("mode and the image metrics are needed");
        }
    }

    /**
     * A row of a sampler mode.
     *
     * @return the row
     */
    static EvalRow sampled(long seed, PropCategory category, String name, String mode, Image all, Image level,
            Image elevated, double chamfer, double fScore, double secondsSampling, double secondsMesh, int gaussians,
            int triangles) {
        return new EvalRow(seed, category, name, mode, null, all, level, elevated, chamfer, fScore, secondsSampling,
                secondsMesh, gaussians, triangles);
    }

    /**
     * A row of a baseline: image metrics only.
     *
     * @return the row
     */
    static EvalRow baseline(long seed, PropCategory category, String name, String mode, Image all, Image level,
            Image elevated) {
        return new EvalRow(seed, category, name, mode, null, all, level, elevated, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, 0, 0);
    }

    /**
     * @param seed the prop seed
     * @param category the category, or null
     * @param name the name, or null
     * @param mode the mode
     * @param e what went wrong (not null)
     * @return a failed row
     */
    static EvalRow failed(long seed, PropCategory category, String name, String mode, Throwable e) {
        String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new EvalRow(seed, category, name, mode, msg, Image.NONE, Image.NONE, Image.NONE, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, 0, 0);
    }

    /** @return whether the prop was scored */
    boolean ok() {
        return error == null;
    }

    /** @return whether this is a baseline's row (no sampling, no mesh) */
    boolean baseline() {
        return EvaluateTool.BASELINES.contains(mode);
    }

    /** @return mean PSNR over all novel views */
    double psnr() {
        return all.psnr();
    }

    /** @return mean masked PSNR over all novel views */
    double maskedPsnr() {
        return all.maskedPsnr();
    }

    /** @return mean SSIM over all novel views */
    double ssim() {
        return all.ssim();
    }

    /** @return the metric values in {@link #METRICS} order */
    double[] metrics() {
        return new double[] {all.psnr(), all.maskedPsnr(), all.ssim(), chamfer, fScore, secondsSampling,
            secondsMesh, gaussians, triangles, level.psnr(), level.maskedPsnr(), level.ssim(), elevated.psnr(),
            elevated.maskedPsnr(), elevated.ssim()};
    }
}
