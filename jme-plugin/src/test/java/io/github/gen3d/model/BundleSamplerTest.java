package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.diffusion.NoiseSource;
import io.github.gen3d.diffusion.SampleRequest;
import io.github.gen3d.diffusion.SampleResult;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.SynergySampler;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: {@link BundleSamplers} turns the committed tiny-pipeline bundle (random weights: this proves the
 * plumbing, not the quality of the samples) into a {@link SynergySampler} that runs 4 DDIM steps at 16×16 with 4 views
 * and guidance 2; same seed → bit-identical, another seed → different, cancellation, and a batch of two requests
 * equal to two single runs with one denoiser call per step. Contracts that do not fit the settings are errors that
 * name the bundle and the component.
 */
class BundleSamplerTest {
    private static final int STEPS = 4;
    private static final Logger LOG = Logger.getLogger(BundleSamplerTest.class.getName());
    private static ModelBundle bundle;
    private static SynergySampler sampler;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        bundle = ModelBundle.loadResource(BundleAdaptersTest.RESOURCE, DevicePolicy.CPU);
        sampler = BundleSamplers.create(bundle, settings());
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    static SamplerSettings settings() {
        return SamplerSettings.defaults().withSteps(STEPS).withGuidanceScale(2f);
    }

    /** A smooth 16×16 RGB condition image in [−1, 1], different per seed. */
    static Condition image(long seed) {
        NoiseSource n = new NoiseSource(seed);
        float[] img = new float[3 * 16 * 16];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) Math.tanh(0.5 * n.nextGaussian());
        }
        return Condition.image(img, 3, 16, 16);
    }

    static void assertSame(SampleResult a, SampleResult b) {
        assertArrayEquals(a.views(), b.views());
        assertArrayEquals(a.renders(), b.renders());
        assertEquals(a.gaussians(), b.gaussians());
    }

    @Test
    void theFactoryUsesTheBundlesSchedulerAndSizes() throws IOException {
        assertEquals(bundle.component("denoiser").scheduler(), sampler.scheduler().config());
        // leading spacing with offset 1 over 1000 training steps, 4 steps: 751, 501, 251, 1
        assertArrayEquals(new int[] {751, 501, 251, 1}, sampler.scheduler().timesteps());
        assertEquals(4, sampler.targetCameras().size());
        assertEquals(16, sampler.targetCameras().get(0).width());
        assertEquals(2f, sampler.settings().guidanceScale());
    }

    @Test
    void sameSeedIsBitIdenticalAnotherSeedDiffers() throws IOException {
        Condition cond = image(3);
        long calls = bundle.component("denoiser").callCount();
        long recon = bundle.component("reconstructor").callCount();
        List<Integer> steps = new ArrayList<>();
        SampleResult a = sampler.sample(SampleRequest.of(cond, 7), p -> steps.add(p.step()), null);
        assertEquals(List.of(0, 1, 2, 3), steps);
        // one batched denoiser call per step (both guidance branches) plus the final one; one reconstruction each
        assertEquals(calls + STEPS + 1, bundle.component("denoiser").callCount());
        assertEquals(recon + STEPS + 1, bundle.component("reconstructor").callCount());
        SampleResult b = sampler.sample(SampleRequest.of(cond, 7), null, null);
        assertSame(a, b);
        SampleResult c = sampler.sample(SampleRequest.of(cond, 8), null, null);
        assertTrue(BundleAdaptersTest.maxDiff(a.views(), c.views()) > 0.1);
        assertFalse(a.gaussians().equals(c.gaussians()));
        assertEquals(256, a.gaussians().size());
        for (float v : a.renders()) {
            assertTrue(v >= -1 && v <= 1);
        }
        // guidance matters: scale 1 (no null branch) gives another sample
        SynergySampler plain = BundleSamplers.create(bundle, settings().withGuidanceScale(1f));
        assertFalse(Arrays.equals(a.views(), plain.sample(SampleRequest.of(cond, 7), null, null).views()));
        Path out = TestData.out("bundle-sampler");
        for (int v = 0; v < 4; v++) {
            ImageIO.write(a.renderImage(v), "png", out.resolve("render-" + v + ".png").toFile());
            ImageIO.write(a.viewImage(v), "png", out.resolve("view-" + v + ".png").toFile());
        }
    }

    @Test
    void cancellationStopsWithinAStep() {
        AtomicBoolean cancel = new AtomicBoolean();
        List<Integer> steps = new ArrayList<>();
        assertThrows(CancellationException.class, () -> sampler.sample(SampleRequest.of(image(3), 7), p -> {
            steps.add(p.step());
            cancel.set(p.step() == 1);
        }, cancel::get));
        assertEquals(List.of(0, 1), steps);
        // the sampler is still usable and unaffected afterwards
        assertSame(sampler.sample(SampleRequest.of(image(3), 7), null, null),
                sampler.sample(SampleRequest.of(image(3), 7), null, null));
    }

    @Test
    void aBatchOfTwoEqualsTwoSingleRuns() throws IOException {
        SampleRequest r1 = SampleRequest.of(image(3), 7);
        SampleRequest r2 = new SampleRequest(new Condition(image(4).image(), 3, 16, 16, 5), null, 11);
        SampleResult s1 = sampler.sample(r1, null, null);
        SampleResult s2 = sampler.sample(r2, null, null);
        long calls = bundle.component("denoiser").callCount();
        List<SampleResult> batch = sampler.sampleBatch(List.of(r1, r2), null, null);
        assertEquals(calls + STEPS + 1, bundle.component("denoiser").callCount(), "one call per step for both");
        // the sampler is exact; the network may round differently at another batch size (PyTorch's CPU kernels:
        // ~3e-7 between batch 1 and 3 in BundleAdaptersTest), so compare within a tolerance and log exactness
        for (int r = 0; r < 2; r++) {
            SampleResult single = r == 0 ? s1 : s2;
            SampleResult batched = batch.get(r);
            double worst = Math.max(BundleAdaptersTest.maxDiff(single.views(), batched.views()),
                    BundleAdaptersTest.maxDiff(single.renders(), batched.renders()));
            assertEquals(single.gaussians().size(), batched.gaussians().size());
            for (float[][] pair : new float[][][] {{single.gaussians().positions(), batched.gaussians().positions()},
                    {single.gaussians().sh(), batched.gaussians().sh()},
                    {single.gaussians().opacities(), batched.gaussians().opacities()}}) {
                worst = Math.max(worst, BundleAdaptersTest.maxDiff(pair[0], pair[1]));
            }
            LOG.info("request " + r + ": max |batched - single| = " + worst + (single.gaussians().equals(
                    batched.gaussians()) && Arrays.equals(single.views(), batched.views()) ? " (bit-identical)" : ""));
            assertTrue(worst <= 1e-4, "request " + r + ": " + worst);
        }
        assertTrue(BundleAdaptersTest.maxDiff(s1.views(), s2.views()) > 0.1);
    }

    @Test
    void theBundlesRefinementFillsUnsetSettingsOnly() throws Exception {
        assertEquals(null, sampler.settings().refinement(), "the tiny bundle recommends none");
        Path edited = copy(r -> r.add("sampler", com.google.gson.JsonParser.parseString(
                "{\"refinement\": {\"atNoise\": 0.9, \"atClean\": 0.1}}")));
        try (ModelBundle b = ModelBundle.load(edited, DevicePolicy.CPU)) {
            assertEquals(new SamplerSettings.Refinement(0.9, 0.1), BundleSamplers.create(b, settings()).settings()
                    .refinement());
            SamplerSettings.Refinement own = new SamplerSettings.Refinement(1, 0.5);
            assertEquals(own, BundleSamplers.create(b, settings().withRefinement(own)).settings().refinement());
            SampleResult recommended = BundleSamplers.create(b, settings()).sample(SampleRequest.of(image(3), 7),
                    null, null);
            SampleResult full = BundleSamplers.create(b, settings().withRefinement(SamplerSettings.Refinement.FULL))
                    .sample(SampleRequest.of(image(3), 7), null, null);
            assertTrue(BundleAdaptersTest.maxDiff(recommended.views(), full.views()) > 1e-3,
                    "the recommendation changes the trajectory");
        }
    }

    // ---- contracts that do not fit the settings --------------------------------------------------------------

    private Path copy(Consumer<JsonObject> edit) throws Exception {
        return BundleAdaptersTest.copy(Files.createTempDirectory(dir, "bundle"), edit);
    }

    private static JsonObject component(JsonObject root, String name) {
        return root.getAsJsonObject("components").getAsJsonObject(name);
    }

    private static JsonObject input(JsonObject root, String component, String name) {
        for (var e : component(root, component).getAsJsonArray("inputs")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError(name);
    }

    private static JsonArray range(double lo, double hi) {
        JsonArray a = new JsonArray();
        a.add(lo);
        a.add(hi);
        return a;
    }

    /** Loads the edited copy and returns the factory's error, after checking that it names bundle and component. */
    private String createFails(Consumer<JsonObject> edit, SamplerSettings s, String component) throws Exception {
        try (ModelBundle b = ModelBundle.load(copy(edit), DevicePolicy.CPU)) {
            ModelBundleException e = assertThrows(ModelBundleException.class, () -> BundleSamplers.create(b, s));
            assertEquals("tiny-pipeline", e.bundle());
            assertEquals(component, e.component(), e.getMessage());
            return e.getMessage();
        }
    }

    @Test
    void contractsThatDoNotFitTheSettingsAreErrorsNamingTheComponent() throws Exception {
        Consumer<JsonObject> none = root -> { };
        String cams = createFails(none, settings().withTargetCameras(ViewRig.targetViews(8, 8)), "denoiser");
        assertTrue(cams.contains("target camera 0 is 8x8") && cams.contains("16x16"), cams);
        String three = createFails(none, settings().withTargetCameras(ViewRig.targetViews(16, 16).subList(0, 3)),
                "reconstructor");
        assertTrue(three.contains("takes 4 views") && three.contains("3 target cameras"), three);
        String noPrior = createFails(none, settings().withMode(SamplerSettings.Mode.NO_2D_PRIOR)
                .withTargetCameras(ViewRig.targetViews(16, 16).subList(0, 2)), "denoiser");
        assertTrue(noPrior.contains("no-2D-prior"), noPrior);
        String label = createFails(root -> input(root, "denoiser", "label").add("range", range(0, 9)), settings(),
                "denoiser");
        assertTrue(label.contains("null label -1"), label);
        String image = createFails(root -> input(root, "denoiser", "cond").add("range", range(0.5, 1)), settings(),
                "denoiser");
        assertTrue(image.contains("all-zero image"), image);
        String t = createFails(root -> input(root, "reconstructor", "t").add("range", range(0, 500)), settings(),
                "reconstructor");
        assertTrue(t.contains("visits timestep 751"), t);
        String extra = createFails(root -> {
            JsonObject cam = new JsonObject();
            cam.addProperty("name", "cameras");
            cam.add("shape", JsonParser.parseString("[\"batch\", 4, 16]"));
            cam.addProperty("dtype", "float32");
            component(root, "denoiser").getAsJsonArray("inputs").add(cam);
        }, settings(), "denoiser");
        assertTrue(extra.contains("cannot be filled from a Condition"), extra);
        String res = createFails(root -> component(root, "denoiser").remove("resolution"), settings(), "denoiser");
        assertTrue(res.contains("no fixed size") && res.contains("resolution"), res);
        String ambiguous = createFails(root -> {
            JsonObject comps = root.getAsJsonObject("components");
            comps.add("other_reconstructor", comps.remove("reconstructor"));
        }, settings(), null);
        assertTrue(ambiguous.contains("several components with role reconstructor"), ambiguous);
        // with guidance 1 the label range needs no null label, and the same bundle builds
        try (ModelBundle b = ModelBundle.load(copy(root -> input(root, "denoiser", "label").add("range",
                range(0, 9))), DevicePolicy.CPU)) {
            SynergySampler s = BundleSamplers.create(b, settings().withGuidanceScale(1f));
            SampleResult r = s.sample(new SampleRequest(new Condition(image(3).image(), 3, 16, 16, 2), null, 1),
                    null, null);
            assertEquals(256, r.gaussians().size());
        }
    }
}
