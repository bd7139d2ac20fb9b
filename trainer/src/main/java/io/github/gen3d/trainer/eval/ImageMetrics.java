package io.github.gen3d.trainer.eval;

/**
 * Image metrics for comparing a predicted render with the ground truth (see {@code docs/evaluation.md}).
 *
 * <h2>Layout</h2>
 * Images are float arrays in <b>planar</b> layout, channel-major: value {@code (c, y, x)} sits at
 * {@code c·H·W + y·W + x}, row {@code y = 0} at the top (numpy {@code (C, H, W)}, {@code channel_axis=0}). Colour
 * images are RGB composited on white with values in [0, 1] (data range 1); any channel count {@code C ≥ 1} works.
 * Masks are one boolean per pixel, {@code y·W + x}.
 *
 * <p>All sums are accumulated in double precision. Inputs are never modified.
 */
public final class ImageMetrics {
    /** PSNR reported when the two images are identical (MSE = 0), in dB. */
    public static final double PSNR_CAP_DB = 100.0;
    /** SSIM Gaussian window side (11 = 2·round(3.5σ) + 1 as in scipy/scikit-image for σ = 1.5). */
    public static final int SSIM_WINDOW = 11;
    /** SSIM Gaussian window standard deviation, in pixels. */
    public static final double SSIM_SIGMA = 1.5;
    /** SSIM stabiliser constant K1 (C1 = (K1·L)² with data range L = 1). */
    public static final double SSIM_K1 = 0.01;
    /** SSIM stabiliser constant K2 (C2 = (K2·L)² with data range L = 1). */
    public static final double SSIM_K2 = 0.03;

    private static final int RADIUS = SSIM_WINDOW / 2;
    /** Normalised 1-D Gaussian weights, as scipy.ndimage.gaussian_filter1d builds them (sum 1). */
    private static final double[] KERNEL = gaussianKernel();

    private ImageMetrics() {
    }

    /**
     * Peak signal-to-noise ratio over all pixels and channels: {@code 10·log10(1 / MSE)} for data range 1, or
     * {@link #PSNR_CAP_DB} when the MSE is 0.
     *
     * @param pred predicted image, any layout (not null, unaffected)
     * @param gt ground-truth image, same length (not null, unaffected)
     * @return the PSNR in dB (at most {@link #PSNR_CAP_DB})
     * @throws IllegalArgumentException if the arrays are null, empty or of different lengths
     */
    public static double psnr(float[] pred, float[] gt) {
        checkPair(pred, gt);
        double sum = 0;
        for (int i = 0; i < pred.length; i++) {
            double d = (double) pred[i] - gt[i];
            sum += d * d;
        }
        return psnrFromMse(sum / pred.length);
    }

    /**
     * PSNR over the pixels where {@code mask} is true, all channels of those pixels. The evaluation passes the
     * union of the ground-truth and predicted alpha &gt; 0.5, so that the white background does not inflate the
     * score.
     *
     * @param pred predicted image, planar {@code C×H×W} (not null, unaffected)
     * @param gt ground-truth image, same layout (not null, unaffected)
     * @param mask one flag per pixel, {@code H·W} entries (not null, unaffected); the channel count is
     *     {@code pred.length / mask.length}
     * @return the PSNR in dB over the masked pixels (at most {@link #PSNR_CAP_DB})
     * @throws IllegalArgumentException if the sizes disagree or the mask selects no pixel (an empty mask means the
     *     caller passed neither a ground-truth nor a predicted silhouette: a bug, not a score)
     */
    public static double maskedPsnr(float[] pred, float[] gt, boolean[] mask) {
        checkPair(pred, gt);
        if (mask == null || mask.length == 0 || pred.length % mask.length != 0) {
            throw new IllegalArgumentException("mask must have one entry per pixel: image length " + pred.length
                    + ", mask length " + (mask == null ? "null" : mask.length));
        }
        int pixels = mask.length;
        int channels = pred.length / pixels;
        double sum = 0;
        long count = 0;
        for (int p = 0; p < pixels; p++) {
            if (!mask[p]) {
                continue;
            }
            count++;
            for (int c = 0; c < channels; c++) {
                int i = c * pixels + p;
                double d = (double) pred[i] - gt[i];
                sum += d * d;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("mask selects no pixel");
        }
        return psnrFromMse(sum / (count * channels));
    }

    /**
     * Mean structural similarity (Wang et al. 2004) with an 11×11 Gaussian window (σ = 1.5, weights normalised to
     * sum 1), K1 = 0.01, K2 = 0.03, data range 1 and population (not sample) covariances; computed per channel and
     * averaged over the channels. Matches scikit-image 0.19's
     * {@code structural_similarity(pred, gt, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
     * data_range=1, channel_axis=0)}.
     *
     * <p>Border: like scikit-image, the SSIM map is averaged only over pixels at least 5 = (11 − 1)/2 pixels from
     * every edge, i.e. where the whole window lies inside the image, so no padding mode is involved (scikit-image
     * filters with {@code mode='reflect'} and then crops exactly those border pixels away).
     *
     * @param pred predicted image, planar {@code C×H×W} (not null, unaffected)
     * @param gt ground-truth image, same layout (not null, unaffected)
     * @param width image width W (at least {@link #SSIM_WINDOW})
     * @param height image height H (at least {@link #SSIM_WINDOW})
     * @return the mean SSIM, 1 for identical images (at most 1)
     * @throws IllegalArgumentException if the sizes disagree or the image is smaller than the window
     */
    public static double ssim(float[] pred, float[] gt, int width, int height) {
        checkPair(pred, gt);
        if (width < SSIM_WINDOW || height < SSIM_WINDOW) {
            throw new IllegalArgumentException("SSIM needs at least " + SSIM_WINDOW + "x" + SSIM_WINDOW
                    + " pixels, got " + width + "x" + height);
        }
        int pixels = width * height;
        if (pred.length % pixels != 0) {
            throw new IllegalArgumentException("image length " + pred.length + " is not a multiple of " + width
                    + "x" + height);
        }
        int channels = pred.length / pixels;
        double c1 = SSIM_K1 * SSIM_K1;
        double c2 = SSIM_K2 * SSIM_K2;
        int outW = width - 2 * RADIUS;
        int outH = height - 2 * RADIUS;
        // horizontal pass over the valid columns for every row: 5 moments (x, y, xx, yy, xy)
        double[][] h = new double[5][height * outW];
        double total = 0;
        for (int c = 0; c < channels; c++) {
            int base = c * pixels;
            for (int y = 0; y < height; y++) {
                int row = base + y * width;
                for (int ox = 0; ox < outW; ox++) {
                    double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
                    for (int k = 0; k < SSIM_WINDOW; k++) {
                        double w = KERNEL[k];
                        double a = pred[row + ox + k];
                        double b = gt[row + ox + k];
                        mx += w * a;
                        my += w * b;
                        mxx += w * a * a;
                        myy += w * b * b;
                        mxy += w * a * b;
                    }
                    int o = y * outW + ox;
                    h[0][o] = mx;
                    h[1][o] = my;
                    h[2][o] = mxx;
                    h[3][o] = myy;
                    h[4][o] = mxy;
                }
            }
            double sum = 0;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    double ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
                    for (int k = 0; k < SSIM_WINDOW; k++) {
                        double w = KERNEL[k];
                        int o = (oy + k) * outW + ox;
                        ux += w * h[0][o];
                        uy += w * h[1][o];
                        uxx += w * h[2][o];
                        uyy += w * h[3][o];
                        uxy += w * h[4][o];
                    }
                    double vx = uxx - ux * ux;
                    double vy = uyy - uy * uy;
                    double vxy = uxy - ux * uy;
                    sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
                }
            }
            total += sum / ((double) outW * outH);
        }
        return total / channels;
    }

    /**
     * Plain reference for {@link #ssim}: the same definition evaluated with the full 2-D window at every valid pixel
     * (no separable passes). Slow; for parity tests.
     */
    static double ssimReference(float[] pred, float[] gt, int width, int height) {
        int pixels = width * height;
        int channels = pred.length / pixels;
        double c1 = SSIM_K1 * SSIM_K1;
        double c2 = SSIM_K2 * SSIM_K2;
        double total = 0;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            long count = 0;
            for (int y = RADIUS; y < height - RADIUS; y++) {
                for (int x = RADIUS; x < width - RADIUS; x++) {
                    double ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
                    for (int dy = -RADIUS; dy <= RADIUS; dy++) {
                        for (int dx = -RADIUS; dx <= RADIUS; dx++) {
                            double w = KERNEL[dy + RADIUS] * KERNEL[dx + RADIUS];
                            int i = c * pixels + (y + dy) * width + x + dx;
                            double a = pred[i], b = gt[i];
                            ux += w * a;
                            uy += w * b;
                            uxx += w * a * a;
                            uyy += w * b * b;
                            uxy += w * a * b;
                        }
                    }
                    double vx = uxx - ux * ux, vy = uyy - uy * uy, vxy = uxy - ux * uy;
                    sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
                    count++;
                }
            }
            total += sum / count;
        }
        return total / channels;
    }

    /**
     * Converts a mean squared error (data range 1) to PSNR.
     *
     * @param mse the mean squared error (at least 0)
     * @return {@code 10·log10(1/mse)}, or {@link #PSNR_CAP_DB} when {@code mse} is 0
     */
    static double psnrFromMse(double mse) {
        if (mse <= 0) {
            return PSNR_CAP_DB;
        }
        return Math.min(PSNR_CAP_DB, 10.0 * Math.log10(1.0 / mse));
    }

    private static void checkPair(float[] pred, float[] gt) {
        if (pred == null || gt == null) {
            throw new IllegalArgumentException("images must not be null");
        }
        if (pred.length == 0 || pred.length != gt.length) {
            throw new IllegalArgumentException("images must be non-empty and of equal length, got " + pred.length
                    + " and " + gt.length);
        }
    }

    private static double[] gaussianKernel() {
        double[] k = new double[SSIM_WINDOW];
        double sum = 0;
        for (int i = 0; i < SSIM_WINDOW; i++) {
            double x = i - RADIUS;
            k[i] = Math.exp(-0.5 * x * x / (SSIM_SIGMA * SSIM_SIGMA));
            sum += k[i];
        }
        for (int i = 0; i < SSIM_WINDOW; i++) {
            k[i] /= sum;
        }
        return k;
    }
}
