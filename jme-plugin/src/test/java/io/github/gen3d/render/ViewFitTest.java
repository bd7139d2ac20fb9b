package io.github.gen3d.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.splat.GaussianCloud;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The colour and opacity fit: its loss against the reference rasterizer, its gradient, and what it recovers. */
class ViewFitTest {
    private static final int RES = 32;

    /** A random cloud of degree 0 with colours in [0.05, 0.95] (the fit's logits cannot hold values outside). */
    private static GaussianCloud cloud(int n, long seed) {
        GaussianCloud c = TestClouds.random(n, 0, 0.35f, 0.02f, 0.08f, seed);
        Random rnd = new Random(seed + 1);
        for (int i = 0; i < n; i++) {
            c.setColour(i, 0.05f + 0.9f * rnd.nextFloat(), 0.05f + 0.9f * rnd.nextFloat(),
                    0.05f + 0.9f * rnd.nextFloat());
        }
        return c;
    }

    /** The reference rasterizer's picture of a cloud on white, planar RGB in [−1, 1]. */
    private static float[] picture(GaussianCloud cloud, PinholeCamera cam) {
        RenderResult r = new SplatRasterizer().renderReference(cloud, null, cam, null);
        int plane = cam.width() * cam.height();
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                chw[c * plane + p] = 2f * (r.colour()[3 * p + c] + (1f - r.alpha()[p])) - 1f;
            }
        }
        return chw;
    }

    private static List<float[]> noisyImages(List<PinholeCamera> cams, long seed) {
        Random rnd = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int v = 0; v < cams.size(); v++) {
            float[] img = new float[3 * RES * RES];
            for (int i = 0; i < img.length; i++) {
                img[i] = rnd.nextFloat() * 2 - 1;
            }
            out.add(img);
        }
        return out;
    }

    @Test
    void lossMatchesTheReferenceRasterizer() {
        GaussianCloud c = cloud(400, 3);
        List<PinholeCamera> cams = ViewRig.orbit(3, 20f, RES, RES);
        List<float[]> images = noisyImages(cams, 5);
        float[] weights = {1f, 0.5f, 2f};
        ViewFit.Problem p = new ViewFit.Problem(c, cams, images, weights);
        double expected = 0;
        for (int v = 0; v < cams.size(); v++) {
            float[] pic = picture(c, cams.get(v));
            double sum = 0;
            for (int i = 0; i < pic.length; i++) {
                double d = (pic[i] - images.get(v)[i]) * 0.5;
                sum += d * d;
            }
            expected += weights[v] * sum / pic.length;
        }
        double got = p.loss(p.colours(), c.opacities(), null, null, null, null);
        assertEquals(expected, got, 1e-6 * expected, "loss of the fit's forward pass vs the reference rasterizer");
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        GaussianCloud c = cloud(150, 7);
        // opacities well inside (0, 1) so that few entries sit on the 0.99 clamp
        Random rnd = new Random(9);
        for (int i = 0; i < c.size(); i++) {
            c.opacities()[i] = 0.2f + 0.5f * rnd.nextFloat();
        }
        List<PinholeCamera> cams = ViewRig.orbit(2, 10f, RES, RES);
        ViewFit.Problem p = new ViewFit.Problem(c, cams, noisyImages(cams, 11), new float[] {1f, 1.5f});
        float[] rgb = p.colours();
        float[] op = c.opacities().clone();
        double[] dRgb = new double[rgb.length], dOp = new double[op.length];
        p.loss(rgb, op, dRgb, dOp, null, null);
        // colour derivatives are smooth; an opacity step of ±h can switch entries on or off at alpha = 1/255 (the
        // renderer's threshold), which finite differences see as a jump, so those are compared by majority
        int checked = 0, opacityClose = 0;
        double worstColour = 0;
        for (int i = 0; i < c.size() && checked < 40; i++) {
            if (Math.abs(dOp[i]) < 1e-4) {
                continue; // not seen by either camera
            }
            checked++;
            if (relError(dOp[i], fd(p, rgb, op, op, i)) < 0.01) {
                opacityClose++;
            }
            for (int ch = 0; ch < 3; ch++) {
                worstColour = Math.max(worstColour, relError(dRgb[3 * i + ch], fd(p, rgb, op, rgb, 3 * i + ch)));
            }
        }
        assertTrue(checked >= 20, "too few visible splats: " + checked);
        assertTrue(worstColour < 0.01, "worst relative colour gradient error " + worstColour);
        assertTrue(opacityClose >= 0.85 * checked, "opacity gradients within 1 %: " + opacityClose + " of " + checked);
    }

    private static double fd(ViewFit.Problem p, float[] rgb, float[] op, float[] var, int i) {
        float h = 1e-3f, keep = var[i];
        var[i] = keep + h;
        double up = p.loss(rgb, op, null, null, null, null);
        var[i] = keep - h;
        double down = p.loss(rgb, op, null, null, null, null);
        var[i] = keep;
        return (up - down) / (2 * h);
    }

    private static double relError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(1e-3 * 1e-3, Math.max(Math.abs(analytic), Math.abs(numeric)));
    }

    /** A copy of {@code truth} with colours and opacities perturbed, the geometry kept. */
    private static GaussianCloud perturbed(GaussianCloud truth, long seed) {
        GaussianCloud start = truth.copy();
        float[] rgb = new ViewFit.Problem(truth, List.of(), List.of(), new float[0]).colours();
        Random rnd = new Random(seed);
        for (int i = 0; i < start.size(); i++) {
            start.setColour(i, jitter(rgb[3 * i], rnd), jitter(rgb[3 * i + 1], rnd), jitter(rgb[3 * i + 2], rnd));
            start.opacities()[i] = Math.min(0.95f, truth.opacities()[i] * (0.5f + rnd.nextFloat()));
        }
        return start;
    }

    private static double mse(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] - b[i]) * 0.5;
            sum += d * d;
        }
        return sum / a.length;
    }

    @Test
    void recoversColoursAndOpacitiesFromThePicture() {
        GaussianCloud truth = cloud(300, 21);
        float[] picture = picture(truth, ViewFit.inputCamera(20f, RES, RES));
        GaussianCloud start = perturbed(truth, 22);
        GaussianCloud before = start.copy();
        ViewFit.Settings settings = ViewFit.Settings.defaults().withSteps(150);
        ViewFit.Result r = ViewFit.fitToInput(start, picture, List.of(), settings);
        assertEquals(before, start, "the input cloud must be unaffected");
        assertEquals(20f, r.inputElevation(), 2f, "estimated input elevation");
        assertTrue(r.lossAfter() < 0.05 * r.lossBefore(), "loss " + r.lossBefore() + " -> " + r.lossAfter());
        double after = mse(picture(r.cloud(), ViewFit.inputCamera(r.inputElevation(), RES, RES)), picture);
        assertEquals(r.lossAfter(), settings.inputWeight() * after, 1e-3 * r.lossBefore(),
                "the reported loss is the picture's weighted error");
        assertArrayEquals(truth.positions(), r.cloud().positions(), "geometry is kept");
        assertArrayEquals(truth.scales(), r.cloud().scales());
        assertArrayEquals(truth.rotations(), r.cloud().rotations());
    }

    @Test
    void anchorsStartAtTheCloudsOwnRenders() {
        GaussianCloud truth = cloud(300, 41);
        float[] picture = picture(truth, ViewFit.inputCamera(15f, RES, RES));
        GaussianCloud start = perturbed(truth, 42);
        List<PinholeCamera> anchors = ViewRig.targetViews(RES, RES);
        ViewFit.Settings settings = ViewFit.Settings.defaults().withSteps(40);
        ViewFit.Result r = ViewFit.fitToInput(start, picture, anchors, settings);
        // at the start only the picture's term is non-zero: the anchors are the cloud's own renders
        double pictureTerm = mse(picture(start, ViewFit.inputCamera(r.inputElevation(), RES, RES)), picture);
        assertEquals(settings.inputWeight() * pictureTerm, r.lossBefore(), 1e-3 * pictureTerm,
                "loss before the first step");
        assertTrue(r.lossAfter() < 0.7 * r.lossBefore(), "loss " + r.lossBefore() + " -> " + r.lossAfter());
        // the anchor views moved less than the picture's view improved
        double anchorDrift = 0;
        for (PinholeCamera cam : anchors) {
            anchorDrift += mse(picture(r.cloud(), cam), picture(start, cam));
        }
        double pictureAfter = mse(picture(r.cloud(), ViewFit.inputCamera(r.inputElevation(), RES, RES)), picture);
        assertTrue(anchorDrift < pictureTerm - pictureAfter, "anchor drift " + anchorDrift + ", picture error "
                + pictureTerm + " -> " + pictureAfter);
    }

    @Test
    void aCloudThatAlreadyMatchesStaysPut() {
        GaussianCloud c = cloud(300, 51);
        float[] picture = picture(c, ViewFit.inputCamera(10f, RES, RES));
        ViewFit.Result r = ViewFit.fitToInput(c, picture, ViewRig.targetViews(RES, RES),
                ViewFit.Settings.defaults());
        assertEquals(10f, r.inputElevation(), 0.5f);
        assertTrue(r.lossBefore() < 1e-9, "loss at the start " + r.lossBefore());
        // float rounding leaves gradients of ~1e-10, which Adam's normalisation turns into steps of ~1e-3 logits
        float[] before = new ViewFit.Problem(c, List.of(), List.of(), new float[0]).colours();
        float[] after = new ViewFit.Problem(r.cloud(), List.of(), List.of(), new float[0]).colours();
        assertArrayEquals(before, after, 0.01f, "colours");
        assertArrayEquals(c.opacities(), r.cloud().opacities(), 0.01f, "opacities");
    }

    private static float jitter(float v, Random rnd) {
        return Math.max(0.02f, Math.min(0.98f, v + 0.6f * (rnd.nextFloat() - 0.5f)));
    }

    @Test
    void estimatesTheInputElevation() {
        GaussianCloud c = cloud(600, 31);
        for (float e : new float[] {0f, 12f, 27f}) {
            float got = ViewFit.estimateElevation(c, picture(c, ViewFit.inputCamera(e, RES, RES)), RES, RES,
                    ViewFit.Settings.defaults());
            assertEquals(e, got, 0.5f, "elevation " + e);
        }
    }

    @Test
    void rejectsWhatItCannotFit() {
        List<PinholeCamera> targets = ViewRig.targetViews(RES, RES);
        float[] in = new float[3 * RES * RES];
        GaussianCloud sh1 = TestClouds.random(10, 1, 0.3f, 0.02f, 0.05f, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ViewFit.fitToInput(sh1, in, targets, ViewFit.Settings.defaults()));
        assertTrue(e.getMessage().contains("degree"), e.getMessage());
        GaussianCloud c = cloud(10, 2);
        e = assertThrows(IllegalArgumentException.class,
                () -> ViewFit.fitToInput(c, new float[5], targets, ViewFit.Settings.defaults()));
        assertTrue(e.getMessage().contains("sizes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ViewFit.Settings(-1, 0.5f, 1e-4f, 1f, 0f, 30f, 1f, true));
        assertThrows(IllegalArgumentException.class, () -> new ViewFit.Settings(3, 0.5f, 1e-4f, 1f, 30f, 0f, 1f, true));
        assertThrows(IllegalArgumentException.class, () -> new ViewFit.Settings(3, 0.5f, 1e-4f, 1f, 0f, 30f, 1e-6f, true));
    }
}
