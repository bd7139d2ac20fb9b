package io.github.gen3d.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageMetricsTest {
    /**
     * Printed by {@code /usr/bin/python3 trainer/src/test/python/ssim_reference.py} (scikit-image 0.19.3): per case
     * {psnr, maskedPsnr, ssim, maskPixels}.
     */
    private static final double[][] PINNED = {
        {23.0102748704, 23.0029621769, 0.8757591140, 220},
        {15.7641455598, 13.4665360031, 0.7775341508, 110},
    };
    private static final int[][] SIZES = {{32, 24}, {40, 17}}; // width, height

    /** Same formulas as image() in ssim_reference.py: planar (c, y, x), computed in double, stored as float. */
    static float[] image(int testCase, int which, int w, int h) {
        float[] out = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double g, p;
                    if (testCase == 0) {
                        g = 0.5 + 0.4 * Math.sin(0.3 * x + 0.2 * y + c);
                        p = g + 0.1 * Math.cos(0.7 * x - 0.5 * y + 2.0 * c);
                    } else {
                        g = 0.5 + 0.45 * Math.sin(0.05 * x * y + 0.9 * c) * Math.cos(0.11 * x - 0.07 * y);
                        p = 0.5 + 0.45 * Math.sin(0.05 * x * y + 0.9 * c + 0.3) * Math.cos(0.1 * x - 0.08 * y)
                                + (x > 20 ? 0.2 : 0.0);
                    }
                    double v = which == 0 ? g : p;
                    out[(c * h + y) * w + x] = (float) Math.max(0.0, Math.min(1.0, v));
                }
            }
        }
        return out;
    }

    /** Same as mask() in ssim_reference.py. */
    static boolean[] mask(int w, int h) {
        boolean[] m = new boolean[w * h];
        double r = 0.35 * Math.min(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = x - 0.6 * w, dy = y - 0.4 * h;
                m[y * w + x] = dx * dx + dy * dy < r * r;
            }
        }
        return m;
    }

    @Test
    void matchesScikitImageReferenceValues() {
        for (int t = 0; t < PINNED.length; t++) {
            int w = SIZES[t][0], h = SIZES[t][1];
            float[] gt = image(t, 0, w, h);
            float[] pred = image(t, 1, w, h);
            boolean[] m = mask(w, h);
            int count = 0;
            for (boolean b : m) {
                count += b ? 1 : 0;
            }
            assertEquals((int) PINNED[t][3], count, "mask pixels, case " + t);
            assertEquals(PINNED[t][0], ImageMetrics.psnr(pred, gt), 1e-4, "psnr, case " + t);
            assertEquals(PINNED[t][1], ImageMetrics.maskedPsnr(pred, gt, m), 1e-4, "masked psnr, case " + t);
            assertEquals(PINNED[t][2], ImageMetrics.ssim(pred, gt, w, h), 1e-4, "ssim, case " + t);
        }
    }

    @Test
    void separableSsimEqualsDirectWindowReference() {
        for (int t = 0; t < 2; t++) {
            int w = SIZES[t][0], h = SIZES[t][1];
            float[] gt = image(t, 0, w, h);
            float[] pred = image(t, 1, w, h);
            assertEquals(ImageMetrics.ssimReference(pred, gt, w, h), ImageMetrics.ssim(pred, gt, w, h), 1e-12);
        }
    }

    @Test
    void identicalImagesGiveCapAndSsimOne() {
        float[] a = image(1, 0, 40, 17);
        assertEquals(ImageMetrics.PSNR_CAP_DB, ImageMetrics.psnr(a, a.clone()), 0);
        assertEquals(ImageMetrics.PSNR_CAP_DB, ImageMetrics.maskedPsnr(a, a.clone(), mask(40, 17)), 0);
        assertEquals(1.0, ImageMetrics.ssim(a, a.clone(), 40, 17), 1e-12);
    }

    @Test
    void constantOffsetGivesMinusTwentyLogOffset() {
        int w = 32, h = 24;
        float[] gt = image(0, 0, w, h);
        for (double d : new double[] {0.01, 0.05, 0.1}) {
            float[] pred = new float[gt.length];
            for (int i = 0; i < gt.length; i++) {
                pred[i] = (float) (gt[i] * 0.8 + d); // keep within [0, 1]
                gt[i] = (float) (gt[i] * 0.8);
            }
            // float rounding makes the offset exact only to ~1e-8, far below the tolerance
            assertEquals(-20 * Math.log10(d), ImageMetrics.psnr(pred, gt), 1e-4);
            assertEquals(-20 * Math.log10(d), ImageMetrics.maskedPsnr(pred, gt, mask(w, h)), 1e-4);
            gt = image(0, 0, w, h);
        }
    }

    @Test
    void maskedPsnrIgnoresPixelsOutsideTheMask() {
        int w = 16, h = 12;
        float[] gt = new float[3 * w * h];
        float[] pred = new float[gt.length];
        boolean[] m = new boolean[w * h];
        for (int p = 0; p < w * h; p++) {
            m[p] = p % 3 == 0;
            for (int c = 0; c < 3; c++) {
                gt[c * w * h + p] = 0.5f;
                pred[c * w * h + p] = m[p] ? 0.52f : 0.9f; // outside the mask the error is much larger
            }
        }
        assertEquals(-20 * Math.log10(0.02), ImageMetrics.maskedPsnr(pred, gt, m), 1e-4);
        assertTrue(ImageMetrics.psnr(pred, gt) < 15);
    }

    @Test
    void ssimIsSymmetricAndDropsWithNoise() {
        int w = 32, h = 24;
        float[] gt = image(0, 0, w, h);
        float[] pred = image(0, 1, w, h);
        assertEquals(ImageMetrics.ssim(pred, gt, w, h), ImageMetrics.ssim(gt, pred, w, h), 1e-12);
        float[] slightly = gt.clone();
        for (int i = 0; i < slightly.length; i++) {
            slightly[i] += (i % 2 == 0 ? 0.01f : -0.01f);
        }
        double near = ImageMetrics.ssim(slightly, gt, w, h);
        assertTrue(near < 1 && near > ImageMetrics.ssim(pred, gt, w, h), "ssim " + near);
    }

    @Test
    void rejectsBadInput() {
        float[] a = new float[3 * 10 * 10];
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.psnr(a, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.psnr(null, a));
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(a, a, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.maskedPsnr(a, a, new boolean[100]));
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.maskedPsnr(a, a, new boolean[7]));
        float[] b = new float[3 * 12 * 11];
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(b, b, 11, 11));
    }
}
