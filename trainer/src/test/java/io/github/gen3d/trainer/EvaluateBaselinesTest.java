package io.github.gen3d.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.trainer.eval.ImageMetrics;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two baselines and the split of the image metrics into level and elevated views. */
class EvaluateBaselinesTest {
    /**
     * A known ground truth: 4 views of 16², view v grey {@code g[v]} inside a 6×6 square of alpha 1 and white
     * elsewhere (alpha 0).
     */
    private static EvaluateTool.Truth known(float[] g, EvaluateTool.InputView input) {
        int res = 16, plane = res * res;
        float[][] rgb = new float[g.length][];
        float[][] alpha = new float[g.length][];
        for (int v = 0; v < g.length; v++) {
            rgb[v] = new float[3 * plane];
            alpha[v] = new float[plane];
            Arrays.fill(rgb[v], 1f);
            for (int y = 5; y < 11; y++) {
                for (int x = 5; x < 11; x++) {
                    alpha[v][y * res + x] = 1f;
                    for (int c = 0; c < 3; c++) {
                        rgb[v][c * plane + y * res + x] = g[v];
                    }
                }
            }
        }
        float[] cond = new float[3 * plane];
        return new EvaluateTool.Truth(null, cond, input, rgb, alpha, null);
    }

    @Test
    void allWhiteScoresAreTheFormulaOnAKnownImage() {
        float[] g = {0.5f, 0.25f, 0.75f, 0f};
        EvaluateTool.Scores s = EvaluateTool.allWhiteScores(known(g, null));
        double[] psnr = new double[4];
        double[] masked = new double[4];
        for (int v = 0; v < 4; v++) {
            double d2 = (1 - g[v]) * (1 - g[v]);
            // 36 of 256 pixels differ by 1 − g; the mask (ground-truth alpha > 0.5) is those 36
            psnr[v] = 10 * Math.log10(1 / (d2 * 36 / 256));
            masked[v] = 10 * Math.log10(1 / d2);
        }
        assertEquals((psnr[0] + psnr[1] + psnr[2] + psnr[3]) / 4, s.all().psnr(), 1e-6);
        assertEquals((masked[0] + masked[1] + masked[2] + masked[3]) / 4, s.all().maskedPsnr(), 1e-6);
        assertEquals((psnr[0] + psnr[2]) / 2, s.level().psnr(), 1e-6);
        assertEquals((psnr[1] + psnr[3]) / 2, s.elevated().psnr(), 1e-6);
        assertEquals((masked[0] + masked[2]) / 2, s.level().maskedPsnr(), 1e-6);
        assertEquals((masked[1] + masked[3]) / 2, s.elevated().maskedPsnr(), 1e-6);
        assertEquals(1.25, s.elevated().maskedPsnr(), 0.01, "view 1: 2.50 dB, view 3 (black on white): 0 dB");
        assertEquals(6.02, masked[0], 0.01);
        assertTrue(s.all().ssim() < 1 && s.all().ssim() > -1, "" + s.all().ssim());
    }

    @Test
    void levelAndElevatedViewsAreScoredApart() {
        // a prediction equal to the level views (even k) and white at the elevated ones (odd k)
        float[] g = {0.5f, 0.5f, 0.25f, 0.25f};
        EvaluateTool.Truth t = known(g, null);
        float[] white = new float[t.rgb[0].length];
        Arrays.fill(white, 1f);
        float[][] preds = {t.rgb[0], white, t.rgb[2], white};
        EvaluateTool.Scores s = EvaluateTool.scoreViews(t, preds, null);
        assertEquals(ImageMetrics.PSNR_CAP_DB, s.level().psnr(), 1e-9);
        assertEquals(ImageMetrics.PSNR_CAP_DB, s.level().maskedPsnr(), 1e-9);
        assertEquals(1.0, s.level().ssim(), 1e-9);
        EvaluateTool.Scores w = EvaluateTool.allWhiteScores(t);
        assertEquals(w.elevated(), s.elevated(), "the elevated views are the all-white prediction's");
        assertEquals((s.level().psnr() + s.elevated().psnr()) / 2, s.all().psnr(), 1e-9);
        // and the cameras agree: even k level, odd k elevated
        List<PinholeCamera> cams = EvaluateTool.novelCameras(6, 16);
        for (int k = 0; k < cams.size(); k++) {
            double el = Math.toDegrees(Math.asin(cams.get(k).location().y / cams.get(k).location().length()));
            assertEquals(EvaluateTool.isLevel(k) ? 0 : EvaluateTool.NOVEL_ELEVATION_ODD, el, 1e-3, "view " + k);
            assertEquals(k % 2 == 0, EvaluateTool.isLevel(k));
        }
    }

    @Test
    void predictedAlphaWidensTheMask() {
        float[] g = {0.5f, 0.5f, 0.5f, 0.5f};
        int plane = 16 * 16;
        float[] rgb = new float[3 * plane];
        Arrays.fill(rgb, 1f);
        float[] alpha = new float[plane];
        Arrays.fill(alpha, 1f); // a "prediction" covering the whole image: the mask is every pixel
        EvaluateTool.Truth t = known(g, new EvaluateTool.InputView(rgb, alpha));
        EvaluateTool.Scores s = EvaluateTool.inputRepeatedScores(t);
        assertEquals(s.all().psnr(), s.all().maskedPsnr(), 1e-9);
        assertEquals(EvaluateTool.allWhiteScores(t).all().psnr(), s.all().psnr(), 1e-9);
    }

    /** The input-repeated baseline of a real prop is the uncropped input render scored against every novel view. */
    @Test
    void inputRepeatedIsTheUncroppedInputRenderScoredAtEveryView() {
        int res = 24;
        long seed = PropPose.seeds(DatasetSplit.TEST, 3).get(2);
        PropPose pose = PropPose.of(seed);
        List<PinholeCamera> novel = EvaluateTool.novelCameras(4, res);
        EvaluateTool.Truth t = EvaluateTool.Truth.of(pose, res, novel);
        // the uncropped render is the old condition (inputImage) in [0, 1]
        float[] old = EvaluateTool.inputImage(pose.canonicalMesh(), EvaluateTool.inputCamera(pose, res));
        for (int i = 0; i < old.length; i++) {
            assertEquals(0.5f * (old[i] + 1f), t.uncropped.rgb()[i], 1e-6f);
        }
        EvaluateTool.Scores s = EvaluateTool.inputRepeatedScores(t);
        double psnr = 0, masked = 0, ssim = 0, psnrLevel = 0, psnrElevated = 0;
        for (int v = 0; v < 4; v++) {
            boolean[] mask = new boolean[res * res];
            for (int p = 0; p < mask.length; p++) {
                mask[p] = t.alpha[v][p] > 0.5f || t.uncropped.alpha()[p] > 0.5f;
            }
            double pv = ImageMetrics.psnr(t.uncropped.rgb(), t.rgb[v]);
            psnr += pv / 4;
            masked += ImageMetrics.maskedPsnr(t.uncropped.rgb(), t.rgb[v], mask) / 4;
            ssim += ImageMetrics.ssim(t.uncropped.rgb(), t.rgb[v], res, res) / 4;
            if (v % 2 == 0) {
                psnrLevel += pv / 2;
            } else {
                psnrElevated += pv / 2;
            }
        }
        assertEquals(psnr, s.all().psnr(), 1e-9);
        assertEquals(masked, s.all().maskedPsnr(), 1e-9);
        assertEquals(ssim, s.all().ssim(), 1e-9);
        assertEquals(psnrLevel, s.level().psnr(), 1e-9);
        assertEquals(psnrElevated, s.elevated().psnr(), 1e-9);
    }
}
