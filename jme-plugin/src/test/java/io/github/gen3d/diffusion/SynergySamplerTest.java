package io.github.gen3d.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.diffusion.SamplerSettings.Mode;
import io.github.gen3d.diffusion.StandIns.CountingRenderer;
import io.github.gen3d.diffusion.StandIns.FixedReconstructor;
import io.github.gen3d.diffusion.StandIns.Oracle;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.ViewFit;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The synergy sampler with analytic stand-ins: oracle denoisers, fixed reconstructors, the CPU rasterizer. */
class SynergySamplerTest {
    private static final int S = 16;
    private static final int C = 3;
    private static final int VIEW = C * S * S;
    private static final int V = 4;

    /** The symmetric object rendered at the four target views: a 3D-consistent "truth". */
    private static final GaussianCloud TRUTH = StandIns.symmetricCloud();
    private static final float[] TRUTH_VIEWS = StandIns.renderer().render(TRUTH, ViewRig.targetViews(S, S), C);

    private static SamplerSettings settings(int steps, Mode mode) {
        return SamplerSettings.defaults().withSteps(steps).withMode(mode);
    }

    private static Oracle oracle(float[] x0, PredictionType type, SamplerSettings s, int views) {
        return new Oracle(x0, type, s.scheduler(), views, C, S, S);
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tol, what + ": max error " + worst + " > " + tol);
    }

    private static float[] randomViews(int views, long seed) {
        NoiseSource n = new NoiseSource(seed);
        float[] x = new float[views * VIEW];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.tanh(n.nextGaussian());
        }
        return x;
    }

    @Test
    void ddimWithAnOracleReturnsTheKnownX0() {
        float[] x0 = randomViews(V, 5);
        for (PredictionType type : PredictionType.values()) {
            for (double eta : new double[] {0.0, 1.0}) {
                SamplerSettings s = settings(50, Mode.TWO_D_ONLY).withEta(eta);
                Oracle o = oracle(x0, type, s, V);
                SampleResult r = new SynergySampler(o, new FixedReconstructor(TRUTH), StandIns.renderer(), s)
                        .sample(SampleRequest.of(Condition.none(), 11), null, null);
                assertClose(x0, r.views(), 1e-4, type + " eta=" + eta);
            }
        }
    }

    @Test
    void plainDdimAndDdpmLoopsWithAnOracleReturnTheKnownX0() {
        float[] x0 = randomViews(1, 6);
        for (PredictionType type : new PredictionType[] {PredictionType.EPSILON, PredictionType.V_PREDICTION}) {
            SchedulerConfig cfg = SchedulerConfig.stableDiffusion().withPredictionType(type)
                    .withTimestepSpacing(SchedulerConfig.TimestepSpacing.TRAILING);
            Oracle o = new Oracle(x0, type, cfg, 1, C, S, S);
            DdimScheduler ddim = new DdimScheduler(cfg.withSetAlphaToOne(true), 25);
            NoiseSource n = new NoiseSource(1);
            float[] x = n.gaussian(x0.length);
            for (int t : ddim.timesteps()) {
                x = ddim.step(o.predict(new DenoiserCall(x, t, Condition.none(), false)), t, x, 0.7,
                        n.gaussian(x.length)).prevSample();
            }
            assertClose(x0, x, 1e-4, "DDIM " + type);
            DdpmScheduler ddpm = new DdpmScheduler(cfg, DdpmScheduler.VarianceType.FIXED_SMALL, 40);
            x = n.gaussian(x0.length);
            for (int t : ddpm.timesteps()) {
                x = ddpm.step(o.predict(new DenoiserCall(x, t, Condition.none(), false)), t, x,
                        t > 0 ? n.gaussian(x.length) : null).prevSample();
            }
            // DDPM's last step lands exactly on the x0 it predicts only when its timestep is 0; trailing ends at 24
            assertTrue(ddpm.timesteps()[39] > 0);
            double sigma = Math.sqrt(ddpm.variance(ddpm.timesteps()[39]));
            double err = 0;
            for (int i = 0; i < x0.length; i++) {
                err = Math.max(err, Math.abs(x[i] - x0[i]));
            }
            assertTrue(err < 6 * sigma + 1e-4, "DDPM " + type + " error " + err + " vs sigma " + sigma);
        }
    }

    @Test
    void synergyWithAnOracleAndAPerfectReconstructorReturnsTheTruth() {
        for (PredictionType type : new PredictionType[] {PredictionType.EPSILON, PredictionType.V_PREDICTION}) {
            SamplerSettings s = settings(20, Mode.SYNERGY).withEta(0.5);
            Oracle o = oracle(TRUTH_VIEWS, type, s, V);
            SampleResult r = new SynergySampler(o, new FixedReconstructor(TRUTH), StandIns.renderer(), s)
                    .sample(SampleRequest.of(Condition.none(), 3), null, null);
            assertClose(TRUTH_VIEWS, r.views(), 1e-4, "synergy " + type);
            assertClose(TRUTH_VIEWS, r.renders(), 0, "final renders");
            assertSame(TRUTH, r.gaussians());
        }
    }

    @Test
    void theInputFitRecoloursTheFinalGaussiansTowardsThePicture() {
        PinholeCamera inputCam = ViewRig.views(new float[] {0f}, new float[] {15f}, ViewRig.RADIUS,
                ViewRig.FOV_Y_DEGREES, S, S).get(0);
        float[] picture = StandIns.renderer().render(TRUTH, List.of(inputCam), C);
        GaussianCloud grey = TRUTH.copy();
        for (int i = 0; i < grey.size(); i++) {
            grey.setColour(i, 0.5f, 0.5f, 0.5f);
        }
        SamplerSettings s = settings(4, Mode.SYNERGY);
        SampleRequest withPicture = SampleRequest.of(Condition.image(picture, C, S, S), 3);
        // off (the default): the reconstructor's cloud itself
        SampleResult off = new SynergySampler(oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V),
                new FixedReconstructor(grey), StandIns.renderer(), s).sample(withPicture, null, null);
        assertSame(grey, off.gaussians());
        // on: a new cloud, closer to the picture, and the renders are of it
        SamplerSettings fit = s.withInputFit(ViewFit.Settings.defaults());
        SampleResult on = new SynergySampler(oracle(TRUTH_VIEWS, PredictionType.EPSILON, fit, V),
                new FixedReconstructor(grey), StandIns.renderer(), fit).sample(withPicture, null, null);
        assertArrayEquals(grey.positions(), on.gaussians().positions());
        double before = StandIns.mse(StandIns.renderer().render(grey, List.of(inputCam), C), picture);
        double after = StandIns.mse(StandIns.renderer().render(on.gaussians(), List.of(inputCam), C), picture);
        assertTrue(after < 0.5 * before, "picture error " + before + " -> " + after);
        assertArrayEquals(StandIns.renderer().render(on.gaussians(), ViewRig.targetViews(S, S), C), on.renders());
        // no picture to fit: skipped
        SampleResult label = new SynergySampler(oracle(TRUTH_VIEWS, PredictionType.EPSILON, fit, V),
                new FixedReconstructor(grey), StandIns.renderer(), fit).sample(SampleRequest.of(Condition.none(), 3),
                null, null);
        assertSame(grey, label.gaussians());
    }

    @Test
    void refinementReducesDisagreementBetweenViews() throws IOException {
        assertTrue(StandIns.viewDisagreement(TRUTH_VIEWS, V, VIEW) < 1e-9, "the truth looks the same from all 4 views");
        // a 2D model that is inconsistent across views: each view's x0 is off by its own fixed pattern, plus jitter
        float[][] bias = new float[V][];
        for (int k = 0; k < V; k++) {
            bias[k] = new NoiseSource(100 + k).gaussian(VIEW);
            for (int i = 0; i < VIEW; i++) {
                bias[k][i] *= 0.25f;
            }
        }
        double[] disagreement = new double[2];
        double[] errorToTruth = new double[2];
        Mode[] modes = {Mode.TWO_D_ONLY, Mode.SYNERGY};
        Path out = TestData.out("sampler");
        for (int m = 0; m < 2; m++) {
            SamplerSettings s = settings(30, modes[m]);
            Oracle o = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
            o.viewBias = bias;
            o.jitter = 0.1f;
            SampleResult r = new SynergySampler(o, new FixedReconstructor(TRUTH), StandIns.renderer(), s)
                    .sample(SampleRequest.of(Condition.none(), 8), null, null);
            disagreement[m] = StandIns.viewDisagreement(r.views(), V, VIEW);
            double e = 0;
            for (int i = 0; i < TRUTH_VIEWS.length; i++) {
                e += (r.views()[i] - TRUTH_VIEWS[i]) * (r.views()[i] - TRUTH_VIEWS[i]);
            }
            errorToTruth[m] = e / TRUTH_VIEWS.length;
            for (int k = 0; k < V; k++) {
                ImageIO.write(r.viewImage(k), "png", out.resolve(modes[m] + "-view" + k + ".png").toFile());
            }
        }
        assertTrue(disagreement[0] > 0.02, "2D only stays inconsistent: " + disagreement[0]);
        assertTrue(disagreement[1] < 1e-3 * disagreement[0], "refinement makes the views agree: " + disagreement[1]
                + " vs " + disagreement[0]);
        assertTrue(errorToTruth[1] < 1e-3 * errorToTruth[0], "and match the 3D-consistent truth: " + errorToTruth[1]);
    }

    @Test
    void ablationSwitchesChangeWhatIsCalled() {
        int n = 4;
        int[][] expected = {
            // denoiser calls, predictBatch calls, reconstructor calls, renderer calls
            {2 * (n + 1), n + 1, n + 1, n + 1},
            {2 * (n + 1), n + 1, 1, 1},
            {0, 0, n + 1, n + 1}};
        Mode[] modes = {Mode.SYNERGY, Mode.TWO_D_ONLY, Mode.NO_2D_PRIOR};
        for (int m = 0; m < modes.length; m++) {
            SamplerSettings s = settings(n, modes[m]);
            Oracle o = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
            FixedReconstructor rec = new FixedReconstructor(TRUTH);
            CountingRenderer ren = new CountingRenderer(StandIns.renderer());
            List<StepProgress> progress = new ArrayList<>();
            new SynergySampler(o, rec, ren, s).sample(SampleRequest.of(Condition.none(), 1), progress::add, null);
            int[] got = {o.calls, o.batchCalls, rec.calls, ren.calls};
            assertArrayEquals(expected[m], got, modes[m] + " calls");
            assertEquals(n, progress.size());
            for (StepProgress p : progress) {
                assertEquals(modes[m] != Mode.NO_2D_PRIOR, p.x0TwoD() != null, "2D preview in " + modes[m]);
                assertEquals(modes[m] != Mode.TWO_D_ONLY, p.x0ThreeD() != null, "3D preview in " + modes[m]);
            }
            if (modes[m] == Mode.SYNERGY) {
                // the reconstructor sees the 2D model's estimate of the step
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(progress.get(i).x0TwoD(), rec.x0Inputs.get(i), 0f, "x0 input " + i);
                }
            }
            if (modes[m] == Mode.NO_2D_PRIOR) {
                // the reconstructor sees zeros first, then the render of its own previous output
                assertArrayEquals(new float[V * VIEW], rec.x0Inputs.get(0), 0f);
                for (int i = 1; i <= n; i++) {
                    assertArrayEquals(progress.get(i - 1).x0ThreeD(), rec.x0Inputs.get(i), 0f, "x0 input " + i);
                }
            }
            int[] ts = new DdimScheduler(s.scheduler(), n).timesteps();
            assertEquals(ts[n - 1], rec.timesteps.get(rec.timesteps.size() - 1), "final reconstruction timestep");
        }
    }

    @Test
    void progressReportsStepsTimingsAndPreviews() {
        SamplerSettings s = settings(5, Mode.SYNERGY);
        Oracle o = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
        List<StepProgress> progress = new ArrayList<>();
        SampleResult r = new SynergySampler(o, new FixedReconstructor(TRUTH), StandIns.renderer(), s)
                .sample(SampleRequest.of(Condition.none(), 1), progress::add, null);
        int[] ts = new DdimScheduler(s.scheduler(), 5).timesteps();
        StepTimings sum = StepTimings.ZERO;
        for (int i = 0; i < 5; i++) {
            StepProgress p = progress.get(i);
            assertEquals(i, p.step());
            assertEquals(5, p.totalSteps());
            assertEquals(ts[i], p.timestep());
            assertEquals((i + 1) / 5.0, p.fraction(), 1e-12);
            StepTimings t = p.timings();
            assertTrue(t.denoiserNanos() > 0 && t.reconstructorNanos() > 0 && t.renderNanos() > 0
                    && t.schedulerNanos() > 0, "all parts timed: " + t);
            assertTrue(t.otherNanos() >= 0, "parts within the total: " + t);
            assertEquals(S, p.twoDImage(3).getWidth());
            assertEquals(S, p.threeDImage(0).getHeight());
            sum = sum.plus(t);
        }
        assertTrue(r.timings().totalNanos() > sum.totalNanos(), "result timings include the final reconstruction");
        // the 3D preview is the truth's render; its picture is the render's colours
        int rgb = progress.get(0).threeDImage(0).getRGB(S / 2, S / 2);
        int red = Math.round((TRUTH_VIEWS[(S / 2) * S + S / 2] + 1) / 2 * 255);
        assertEquals(red, (rgb >> 16) & 0xff, 1);
    }

    @Test
    void guidanceScaleOneUsesOnlyTheConditionalPrediction() {
        SamplerSettings s = settings(10, Mode.TWO_D_ONLY).withGuidanceScale(1f);
        Oracle o = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
        o.garbageWhenUnconditional = true;
        SampleResult r = new SynergySampler(o, new FixedReconstructor(TRUTH), StandIns.renderer(), s)
                .sample(SampleRequest.of(Condition.classLabel(3), 2), null, null);
        assertEquals(0, o.unconditionalCalls);
        assertEquals(11, o.calls);
        assertClose(TRUTH_VIEWS, r.views(), 1e-4, "scale 1 follows the conditional oracle");
        // with any other scale the garbage branch is mixed in
        SamplerSettings s2 = s.withGuidanceScale(2f);
        Oracle o2 = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s2, V);
        o2.garbageWhenUnconditional = true;
        SampleResult r2 = new SynergySampler(o2, new FixedReconstructor(TRUTH), StandIns.renderer(), s2)
                .sample(SampleRequest.of(Condition.classLabel(3), 2), null, null);
        assertEquals(11, o2.unconditionalCalls);
        double diff = 0;
        for (int i = 0; i < TRUTH_VIEWS.length; i++) {
            diff += Math.abs(r2.views()[i] - TRUTH_VIEWS[i]);
        }
        assertTrue(diff / TRUTH_VIEWS.length > 0.05, "guided by garbage, the result differs: " + diff);
    }

    @Test
    void guidanceCombinesBranchesBeforeTheX0Estimate() {
        // constant outputs: u = 0.2 for the null branch, c = -0.1 for the conditional one, epsilon prediction
        MultiViewDenoiser constant = new MultiViewDenoiser() {
            @Override
            public PredictionType predictionType() {
                return PredictionType.EPSILON;
            }

            @Override
            public int viewCount() {
                return V;
            }

            @Override
            public int channels() {
                return C;
            }

            @Override
            public int height() {
                return S;
            }

            @Override
            public int width() {
                return S;
            }

            @Override
            public float[] predict(DenoiserCall call) {
                float[] out = new float[V * VIEW];
                java.util.Arrays.fill(out, call.unconditional() ? 0.2f : -0.1f);
                return out;
            }
        };
        SamplerSettings s = settings(10, Mode.TWO_D_ONLY).withGuidanceScale(5f)
                .withScheduler(SchedulerConfig.defaults().withClipSample(false));
        List<StepProgress> progress = new ArrayList<>();
        new SynergySampler(constant, new FixedReconstructor(TRUTH), StandIns.renderer(), s)
                .sample(SampleRequest.of(Condition.none(), 77), progress::add, null);
        // by hand: eps = 0.2 + 5 (-0.1 - 0.2) = -1.3; x0 = (x_T - sqrt(1 - abar) eps) / sqrt(abar) at t = 900
        float[] xT = new NoiseSource(77).gaussian(V * VIEW);
        double abar = NoiseSchedule.of(s.scheduler()).alphaCumprod(900);
        assertEquals(900, progress.get(0).timestep());
        for (int i = 0; i < xT.length; i += 97) {
            double expected = (xT[i] - Math.sqrt(1 - abar) * -1.3) / Math.sqrt(abar);
            assertEquals(expected, progress.get(0).x0TwoD()[i], 1e-4 * Math.max(1, Math.abs(expected)),
                    "x0[" + i + "]");
        }
    }

    @Test
    void anExplicitUnconditionalConditionIsPassedAsAnOrdinaryCall() {
        SamplerSettings s = settings(2, Mode.TWO_D_ONLY);
        Oracle o = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
        Condition neg = Condition.classLabel(0);
        Condition pos = Condition.classLabel(5);
        new SynergySampler(o, new FixedReconstructor(TRUTH), StandIns.renderer(), s)
                .sample(new SampleRequest(pos, neg, 1), null, null);
        assertEquals(6, o.seen.size());
        for (int i = 0; i < o.seen.size(); i++) {
            DenoiserCall c = o.seen.get(i);
            assertFalse(c.unconditional());
            assertSame(i % 2 == 0 ? neg : pos, c.condition(), "call " + i);
        }
    }

    @Test
    void cancellingFromTheListenerStopsBeforeTheNextStep() {
        SamplerSettings s = settings(10, Mode.SYNERGY);
        Oracle o = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
        FixedReconstructor rec = new FixedReconstructor(TRUTH);
        AtomicBoolean cancel = new AtomicBoolean();
        SynergySampler sampler = new SynergySampler(o, rec, StandIns.renderer(), s);
        CancellationException e = assertThrows(CancellationException.class, () -> sampler.sample(
                SampleRequest.of(Condition.none(), 1), p -> cancel.set(p.step() == 2), cancel::get));
        assertTrue(e.getMessage().contains("step 4 of 10"), e.getMessage());
        assertEquals(6, o.calls, "three steps of two guidance branches");
        assertEquals(3, rec.calls);
    }

    @Test
    void cancellingDuringAStepStopsWithinThatStep() {
        SamplerSettings s = settings(10, Mode.SYNERGY);
        Oracle o = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
        FixedReconstructor rec = new FixedReconstructor(TRUTH);
        AtomicBoolean cancel = new AtomicBoolean();
        // "another thread" cancels while the denoiser of step 5 runs (its 9th call)
        o.onCall = () -> {
            if (o.calls == 9) {
                cancel.set(true);
            }
        };
        SynergySampler sampler = new SynergySampler(o, rec, StandIns.renderer(), s);
        assertThrows(CancellationException.class,
                () -> sampler.sample(SampleRequest.of(Condition.none(), 1), null, cancel::get));
        assertEquals(10, o.calls, "the batch in flight finishes");
        assertEquals(4, rec.calls, "step 5 stops before its reconstruction");
        // and a cancel raised inside the reconstructor stops before the render and the update
        Oracle o2 = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
        FixedReconstructor rec2 = new FixedReconstructor(TRUTH);
        CountingRenderer ren = new CountingRenderer(StandIns.renderer());
        AtomicBoolean cancel2 = new AtomicBoolean();
        rec2.onCall = () -> cancel2.set(rec2.calls == 2);
        List<StepProgress> progress = new ArrayList<>();
        assertThrows(CancellationException.class, () -> new SynergySampler(o2, rec2, ren, s)
                .sample(SampleRequest.of(Condition.none(), 1), progress::add, cancel2::get));
        assertEquals(1, progress.size());
        assertEquals(2, rec2.calls);
    }

    @Test
    void interruptingTheThreadCancels() {
        SamplerSettings s = settings(10, Mode.TWO_D_ONLY);
        Oracle o = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
        try {
            assertThrows(CancellationException.class, () -> new SynergySampler(o, new FixedReconstructor(TRUTH),
                    StandIns.renderer(), s).sample(SampleRequest.of(Condition.none(), 1), p -> {
                        if (p.step() == 1) {
                            Thread.currentThread().interrupt();
                        }
                    }, null));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag stays set");
            assertEquals(4, o.calls);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void sameSeedIsBitIdenticalAndAnotherSeedDiffers() {
        SamplerSettings s = settings(8, Mode.SYNERGY).withEta(1.0);
        float[][] bias = {new NoiseSource(1).gaussian(VIEW), new NoiseSource(2).gaussian(VIEW)};
        SampleResult[] r = new SampleResult[3];
        long[] seeds = {21, 21, 22};
        for (int k = 0; k < 3; k++) {
            Oracle o = oracle(TRUTH_VIEWS, PredictionType.V_PREDICTION, s, V);
            o.viewBias = bias;
            o.jitter = 0.05f;
            o.leak = 0.1f;
            // the second run renders with two threads: the rasterizer's result must not depend on it
            RasterViewRenderer ren = new RasterViewRenderer(com.jme3.math.ColorRGBA.White,
                    RenderOptions.defaults().withThreads(k == 1 ? 2 : 1));
            r[k] = new SynergySampler(o, new StandIns.ShiftingReconstructor(TRUTH), ren, s)
                    .sample(SampleRequest.of(Condition.none(), seeds[k]), null, null);
        }
        assertArrayEquals(r[0].views(), r[1].views(), 0f);
        assertArrayEquals(r[0].renders(), r[1].renders(), 0f);
        assertArrayEquals(r[0].gaussians().sh(), r[1].gaussians().sh(), 0f);
        double diff = 0;
        for (int i = 0; i < r[0].views().length; i++) {
            diff = Math.max(diff, Math.abs(r[0].views()[i] - r[2].views()[i]));
        }
        assertTrue(diff > 1e-3, "another seed, another sample: " + diff);
    }

    @Test
    void aBatchGivesEachRequestItsOwnResultWithOneDenoiserCallPerStep() {
        SamplerSettings s = settings(6, Mode.SYNERGY).withEta(0.3);
        float[][] bias = {new NoiseSource(9).gaussian(VIEW)};
        List<SampleRequest> requests = List.of(SampleRequest.of(Condition.classLabel(1), 5),
                SampleRequest.of(Condition.classLabel(2), 6), SampleRequest.of(Condition.none(), 7));
        Oracle batched = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
        batched.viewBias = bias;
        batched.batching = true;
        List<StepProgress> progress = new ArrayList<>();
        List<SampleResult> batch = new SynergySampler(batched, new StandIns.ShiftingReconstructor(TRUTH),
                StandIns.renderer(), s).sampleBatch(requests, progress::add, null);
        assertEquals(7, batched.batchCalls, "one batch call per step plus the final one");
        assertEquals(42, batched.calls, "each with both branches of all three requests");
        assertEquals(18, progress.size());
        for (int i = 0; i < requests.size(); i++) {
            Oracle single = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
            single.viewBias = bias;
            SampleResult alone = new SynergySampler(single, new StandIns.ShiftingReconstructor(TRUTH),
                    StandIns.renderer(), s).sample(requests.get(i), null, null);
            assertArrayEquals(alone.views(), batch.get(i).views(), 0f, "request " + i);
            assertArrayEquals(alone.gaussians().sh(), batch.get(i).gaussians().sh(), 0f, "request " + i);
            assertEquals(requests.get(i).seed(), batch.get(i).seed());
        }
    }

    @Test
    void refinementBlendsTheRenderAndThe2dEstimateAsAPlainLoopDoes() {
        float[] twoD = randomViews(V, 7);
        int n = 10;
        SamplerSettings.Refinement ref = new SamplerSettings.Refinement(1, 0);
        SamplerSettings s = settings(n, Mode.SYNERGY).withGuidanceScale(1f).withRefinement(ref);
        SampleResult r = new SynergySampler(oracle(twoD, PredictionType.EPSILON, s, V), new FixedReconstructor(TRUTH),
                StandIns.renderer(), s).sample(SampleRequest.of(Condition.none(), 5), null, null);
        // the reference: DDIM on x̂0 = w(t)·render + (1 − w(t))·x0_2d, written out step by step
        Oracle o = oracle(twoD, PredictionType.EPSILON, s, V);
        DdimScheduler ddim = new DdimScheduler(s.scheduler().withPredictionType(PredictionType.EPSILON), n);
        float[] x = new NoiseSource(5).gaussian(V * VIEW);
        for (int t : ddim.timesteps()) {
            float[] eps = o.predict(new DenoiserCall(x, t, Condition.none(), false));
            float[] x0 = ddim.schedule().predictedX0(PredictionType.EPSILON, eps, t, x);
            double w = ref.atClean() + (ref.atNoise() - ref.atClean()) * t / 999.0;
            float[] xHat = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                float a = Math.max(-1f, Math.min(1f, x0[i]));
                xHat[i] = (float) (w * TRUTH_VIEWS[i] + (1 - w) * a);
            }
            x = ddim.step(PredictionType.SAMPLE, xHat, t, x, 0, null).prevSample();
        }
        assertArrayEquals(x, r.views(), 0f, "the sampler's blend equals the written-out loop");
        // and it lies between the two ends: the 2D model's views dominate at the clean end
        double toTwoD = 0;
        double toTruth = 0;
        for (int i = 0; i < x.length; i++) {
            toTwoD += Math.abs(r.views()[i] - twoD[i]);
            toTruth += Math.abs(r.views()[i] - TRUTH_VIEWS[i]);
        }
        assertTrue(toTwoD < toTruth, toTwoD + " vs " + toTruth);
    }

    @Test
    void refinementEndsReproduceAlgorithm2AndThe2dTrajectory() {
        float[] twoD = randomViews(V, 8);
        SamplerSettings base = settings(8, Mode.SYNERGY).withGuidanceScale(1f);
        SampleRequest req = SampleRequest.of(Condition.none(), 2);
        float[] unset = new SynergySampler(oracle(twoD, PredictionType.EPSILON, base, V),
                new FixedReconstructor(TRUTH), StandIns.renderer(), base).sample(req, null, null).views();
        SamplerSettings full = base.withRefinement(SamplerSettings.Refinement.FULL);
        float[] algorithm2 = new SynergySampler(oracle(twoD, PredictionType.EPSILON, full, V),
                new FixedReconstructor(TRUTH), StandIns.renderer(), full).sample(req, null, null).views();
        assertArrayEquals(unset, algorithm2, 0f, "null refinement = FULL outside a bundle");
        SamplerSettings none = base.withRefinement(new SamplerSettings.Refinement(0, 0));
        float[] zero = new SynergySampler(oracle(twoD, PredictionType.EPSILON, none, V),
                new FixedReconstructor(TRUTH), StandIns.renderer(), none).sample(req, null, null).views();
        SamplerSettings plain = base.withMode(Mode.TWO_D_ONLY);
        float[] twoDOnly = new SynergySampler(oracle(twoD, PredictionType.EPSILON, plain, V),
                new FixedReconstructor(TRUTH), StandIns.renderer(), plain).sample(req, null, null).views();
        assertClose(twoDOnly, zero, 1e-5, "weight 0 follows the 2D-only trajectory");
        assertClose(TRUTH_VIEWS, algorithm2, 1e-4, "weight 1 follows the renders");
    }

    @Test
    void refinementWeightsAreChecked() {
        SamplerSettings.Refinement r = new SamplerSettings.Refinement(0.8, 0.2);
        assertEquals(0.8, r.weight(999, 1000), 1e-12);
        assertEquals(0.2, r.weight(0, 1000), 1e-12);
        assertEquals(0.5, r.weight(500, 1001), 1e-12);
        assertEquals(1.0, SamplerSettings.Refinement.FULL.weight(123, 1000));
        for (double[] bad : new double[][] {{-0.1, 0}, {0, 1.5}, {Double.NaN, 0}, {0, Double.POSITIVE_INFINITY}}) {
            assertThrows(IllegalArgumentException.class, () -> new SamplerSettings.Refinement(bad[0], bad[1]),
                    java.util.Arrays.toString(bad));
        }
        assertNull(SamplerSettings.defaults().refinement());
        assertEquals(r, SamplerSettings.defaults().withRefinement(r).withSteps(3).withMode(Mode.SYNERGY)
                .refinement(), "the with-methods keep it");
    }

    @Test
    void extraViewsBeyondTheTargetsKeepThe2dPrediction() {
        // five views (an ImageDream-style context frame last), four target cameras
        float[] x0 = new float[5 * VIEW];
        System.arraycopy(TRUTH_VIEWS, 0, x0, 0, 4 * VIEW);
        System.arraycopy(randomViews(1, 4), 0, x0, 4 * VIEW, VIEW);
        SamplerSettings s = settings(20, Mode.SYNERGY);
        Oracle o = oracle(x0, PredictionType.EPSILON, s, 5);
        FixedReconstructor rec = new FixedReconstructor(TRUTH);
        List<StepProgress> progress = new ArrayList<>();
        SampleResult r = new SynergySampler(o, rec, StandIns.renderer(), s)
                .sample(SampleRequest.of(Condition.none(), 1), progress::add, null);
        assertClose(x0, r.views(), 1e-4, "targets from the renders, the context view from the 2D model");
        assertEquals(4 * VIEW, rec.x0Inputs.get(0).length, "the reconstructor sees the target views only");
        assertEquals(5 * VIEW, progress.get(0).x0TwoD().length);
        assertEquals(4 * VIEW, progress.get(0).x0ThreeD().length);
        assertEquals(4 * VIEW, r.renders().length);
    }

    @Test
    void misbehavingModelsAreReportedClearly() {
        SamplerSettings s = settings(3, Mode.SYNERGY);
        Oracle shortOut = new Oracle(TRUTH_VIEWS, PredictionType.EPSILON, s.scheduler(), V, C, S, S) {
            @Override
            public float[] predict(DenoiserCall call) {
                return new float[3];
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SynergySampler(shortOut, new FixedReconstructor(TRUTH), StandIns.renderer(), s)
                        .sample(SampleRequest.of(Condition.none(), 1), null, null));
        assertTrue(e.getMessage().contains("denoiser returned 3 floats at step 1"), e.getMessage());
        Oracle nan = new Oracle(TRUTH_VIEWS, PredictionType.EPSILON, s.scheduler(), V, C, S, S) {
            @Override
            public float[] predict(DenoiserCall call) {
                float[] out = super.predict(call);
                out[5] = Float.NaN;
                return out;
            }
        };
        e = assertThrows(IllegalStateException.class, () -> new SynergySampler(nan, new FixedReconstructor(TRUTH),
                StandIns.renderer(), s).sample(SampleRequest.of(Condition.none(), 1), null, null));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> new SynergySampler(oracle(TRUTH_VIEWS,
                PredictionType.EPSILON, s, V), (x, t, x0, c) -> null, StandIns.renderer(), s)
                        .sample(SampleRequest.of(Condition.none(), 1), null, null));
        assertTrue(e.getMessage().contains("reconstructor returned null"), e.getMessage());
    }

    @Test
    void badConfigurationsAreRejected() {
        SamplerSettings s = settings(3, Mode.SYNERGY);
        Oracle o = oracle(TRUTH_VIEWS, PredictionType.EPSILON, s, V);
        FixedReconstructor rec = new FixedReconstructor(TRUTH);
        List<PinholeCamera> wrongSize = ViewRig.targetViews(S + 1, S);
        assertThrows(IllegalArgumentException.class,
                () -> new SynergySampler(o, rec, null, s.withTargetCameras(wrongSize)));
        List<PinholeCamera> five = ViewRig.orbit(5, 0, S, S);
        assertThrows(IllegalArgumentException.class, () -> new SynergySampler(o, rec, null, s.withTargetCameras(five)));
        List<PinholeCamera> three = ViewRig.orbit(3, 0, S, S);
        assertNotNull(new SynergySampler(o, rec, null, s.withTargetCameras(three)));
        assertThrows(IllegalArgumentException.class,
                () -> new SynergySampler(o, rec, null, s.withTargetCameras(three).withMode(Mode.NO_2D_PRIOR)));
        assertThrows(IllegalArgumentException.class, () -> s.withSteps(0));
        assertThrows(IllegalArgumentException.class, () -> s.withEta(-0.1));
        assertThrows(IllegalArgumentException.class, () -> s.withGuidanceScale(Float.NaN));
        SynergySampler sampler = new SynergySampler(o, rec, null, s);
        assertThrows(IllegalArgumentException.class, () -> sampler.sampleBatch(List.of(), null, null));
        assertEquals(4, sampler.targetCameras().size());
        assertNull(s.targetCameras());
    }
}
