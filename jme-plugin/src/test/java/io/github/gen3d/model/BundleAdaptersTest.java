package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.diffusion.DenoiserCall;
import io.github.gen3d.diffusion.PredictionType;
import io.github.gen3d.diffusion.SchedulerConfig;
import io.github.gen3d.splat.GaussianCloud;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapters against what torch printed: the committed tiny-pipeline bundle (made by
 * src/test/python/make_tiny_pipeline.py with Debian's torch 1.13; random weights, so this proves plumbing, not
 * quality) run through the sampler's interfaces reproduces the script's denoiser outputs and Gaussian rows.
 */
class BundleAdaptersTest {
    static final String RESOURCE = "bundles/tiny-pipeline";
    private static final Logger LOG = Logger.getLogger(BundleAdaptersTest.class.getName());
    private static ModelBundle bundle;
    private static JsonObject expected;

    @BeforeAll
    static void load() throws IOException {
        bundle = ModelBundle.loadResource(RESOURCE, DevicePolicy.CPU);
        try (InputStream in = BundleAdaptersTest.class.getClassLoader().getResourceAsStream(RESOURCE
                + "/expected.json")) {
            expected = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    /** The values of {"shape": [...], "data": [...]} as float32, parsed directly (no double rounding). */
    static float[] data(JsonObject t) {
        JsonArray a = t.getAsJsonArray("data");
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsFloat();
        }
        return v;
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length, "length");
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
        }
        return worst;
    }

    /** The script's three denoiser calls as DenoiserCalls. */
    static List<DenoiserCall> calls() {
        List<DenoiserCall> calls = new ArrayList<>();
        for (var e : expected.getAsJsonObject("denoiser").getAsJsonArray("calls")) {
            JsonObject c = e.getAsJsonObject();
            int label = c.get("label").getAsInt();
            Condition cond = new Condition(data(c.getAsJsonObject("image")), 3, 16, 16,
                    label < 0 ? Condition.NO_LABEL : label);
            calls.add(new DenoiserCall(data(c.getAsJsonObject("x")), c.get("t").getAsInt(), cond,
                    c.get("unconditional").getAsBoolean()));
        }
        return calls;
    }

    static float[] eps(int call) {
        return data(expected.getAsJsonObject("denoiser").getAsJsonArray("calls").get(call).getAsJsonObject()
                .getAsJsonObject("eps"));
    }

    @Test
    void denoiserShapeAndPredictionComeFromTheContract() throws IOException {
        BundleDenoiser d = BundleDenoiser.of(bundle);
        assertEquals("denoiser", d.component().name());
        assertEquals(PredictionType.EPSILON, d.predictionType());
        assertEquals(4, d.viewCount());
        assertEquals(3, d.channels());
        assertEquals(16, d.height()); // "res" is symbolic: the size is the declared resolution
        assertEquals(16, d.width());
        assertTrue(d.takesImage());
        assertTrue(d.takesClassLabel());
        // the bundle's scheduler: diffusers keys written by the script, checked field by field
        assertEquals(new SchedulerConfig(1000, SchedulerConfig.BetaSchedule.SCALED_LINEAR, 0.00085, 0.012,
                PredictionType.EPSILON, SchedulerConfig.TimestepSpacing.LEADING, 1, false, false, 1.0),
                d.component().scheduler());
        assertEquals(null, bundle.component("reconstructor").scheduler());
    }

    @Test
    void predictReproducesTorchForEachCall() throws IOException {
        BundleDenoiser d = BundleDenoiser.of(bundle);
        List<DenoiserCall> calls = calls();
        for (int i = 0; i < calls.size(); i++) {
            double worst = maxDiff(eps(i), d.predict(calls.get(i)));
            LOG.info("call " + i + ": max |adapter - torch| = " + worst);
            assertTrue(worst <= 1e-5, "call " + i + ": " + worst);
        }
        // the unconditional flag really swaps in the null condition (zero image, label -1)
        assertTrue(maxDiff(d.predict(calls.get(0)), d.predict(calls.get(1))) > 1e-3);
    }

    @Test
    void predictBatchIsOneComponentCallAndEqualsSingleCalls() throws IOException {
        BundleDenoiser d = BundleDenoiser.of(bundle);
        List<DenoiserCall> calls = calls();
        long before = d.component().callCount();
        List<float[]> batch = d.predictBatch(calls);
        assertEquals(before + 1, d.component().callCount(), "one component call for the whole batch");
        assertEquals(calls.size(), batch.size());
        for (int i = 0; i < calls.size(); i++) {
            assertTrue(maxDiff(eps(i), batch.get(i)) <= 1e-5, "batched call " + i);
            double vsSingle = maxDiff(d.predict(calls.get(i)), batch.get(i));
            LOG.info("call " + i + ": max |batched - single| = " + vsSingle);
            assertTrue(vsSingle <= 1e-6, "batched vs single call " + i + ": " + vsSingle);
        }
        assertTrue(d.predictBatch(List.of()).isEmpty());
    }

    /** Copies the bundle's .pt files and its bundle.json, edited, into a folder. */
    static Path copy(Path target, Consumer<JsonObject> edit) throws Exception {
        Path source = Paths.get(BundleAdaptersTest.class.getClassLoader().getResource(RESOURCE + "/bundle.json")
                .toURI()).getParent();
        try (Stream<Path> files = Files.list(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.toString().endsWith(".pt")) {
                    Files.copy(p, target.resolve(p.getFileName()));
                }
            }
        }
        JsonObject root = JsonParser.parseString(Files.readString(source.resolve("bundle.json"))).getAsJsonObject();
        edit.accept(root);
        Files.writeString(target.resolve("bundle.json"), root.toString());
        return target;
    }

    @Test
    void aFixedBatchSizeIsServedInPaddedChunks(@TempDir Path dir) throws Exception {
        for (int fixed : new int[] {1, 2}) {
            Path copy = copy(Files.createTempDirectory(dir, "b"), root -> {
                JsonObject d = root.getAsJsonObject("components").getAsJsonObject("denoiser");
                for (String key : new String[] {"inputs", "outputs"}) {
                    for (var t : d.getAsJsonArray(key)) {
                        t.getAsJsonObject().getAsJsonArray("shape").set(0, new JsonPrimitive(fixed));
                    }
                }
            });
            try (ModelBundle b = ModelBundle.load(copy, DevicePolicy.CPU)) {
                BundleDenoiser d = BundleDenoiser.of(b);
                List<DenoiserCall> calls = calls();
                List<float[]> out = d.predictBatch(calls);
                // 3 calls: three batches of 1, or two of 2 with the last padded by repeating call 2
                assertEquals(fixed == 1 ? 3 : 2, d.component().callCount());
                assertEquals(3, out.size());
                for (int i = 0; i < 3; i++) {
                    assertTrue(maxDiff(eps(i), out.get(i)) <= 1e-5, "fixed batch " + fixed + ", call " + i);
                }
            }
        }
    }

    @Test
    void denoiserRefusesConditionsItCannotTake() throws IOException {
        BundleDenoiser d = BundleDenoiser.of(bundle);
        float[] x = calls().get(0).noisyViews();
        String size = assertThrows(IllegalArgumentException.class, () -> d.predict(new DenoiserCall(x, 10,
                Condition.image(new float[3 * 8 * 8], 3, 8, 8), false))).getMessage();
        assertTrue(size.startsWith("model bundle 'tiny-pipeline', component 'denoiser': ")
                && size.contains("16x16") && size.contains("3x8x8"), size);
        String label = assertThrows(IllegalArgumentException.class, () -> d.predict(new DenoiserCall(x, 10,
                Condition.classLabel(10), false))).getMessage();
        assertTrue(label.contains("label") && label.contains("cannot take 10"), label);
        String views = assertThrows(IllegalArgumentException.class, () -> d.predict(new DenoiserCall(new float[5],
                10, Condition.none(), false))).getMessage();
        assertTrue(views.contains("4x3x16x16"), views);
        // out-of-range timestep: the runtime's contract check, as an IllegalStateException naming the tensor
        IllegalStateException t = assertThrows(IllegalStateException.class, () -> d.predict(new DenoiserCall(x,
                1000, Condition.none(), false)));
        assertTrue(t.getCause() instanceof ModelBundleException && t.getMessage().contains("input \"t\""),
                t.getMessage());
    }

    @Test
    void componentsAreChosenByRoleOrName() throws IOException {
        // two reconstructors: the one named "reconstructor" is the default
        assertEquals("reconstructor", BundleReconstructor.of(bundle).component().name());
        assertEquals("nan_reconstructor", BundleReconstructor.of(bundle, "nan_reconstructor").component().name());
        ModelBundleException wrongRole = assertThrows(ModelBundleException.class,
                () -> BundleDenoiser.of(bundle, "reconstructor"));
        assertEquals("reconstructor", wrongRole.component());
        assertTrue(wrongRole.getMessage().contains("role reconstructor, not denoiser"), wrongRole.getMessage());
        assertThrows(ModelBundleException.class, () -> BundleReconstructor.of(bundle, "denoiser"));
        assertThrows(ModelBundleException.class, () -> BundleReconstructor.of(bundle, "nope"));
    }

    /** Hand conversion of one contract row: the expected splat, computed independently of the adapter. */
    static void assertRow(float[] rows, int r, GaussianCloud cloud, int i, double tol) {
        int o = r * 14;
        for (int j = 0; j < 3; j++) {
            assertEquals(rows[o + j], cloud.positions()[3 * i + j], tol, "position " + r);
            assertEquals(rows[o + 4 + j], cloud.scales()[3 * i + j], tol, "scale " + r);
            double sh = (rows[o + 11 + j] - 0.5) / 0.28209479177387814;
            assertEquals(sh, cloud.sh()[3 * i + j], tol * 4, "sh dc " + r);
        }
        assertEquals(rows[o + 3], cloud.opacities()[i], tol, "opacity " + r);
        double n = 0;
        for (int j = 0; j < 4; j++) {
            n += (double) rows[o + 7 + j] * rows[o + 7 + j];
        }
        n = Math.sqrt(n);
        for (int j = 0; j < 4; j++) {
            assertEquals(rows[o + 7 + j] / n, cloud.rotations()[4 * i + j], tol, "rotation (w,x,y,z) " + r);
        }
    }

    @Test
    void reconstructorGivesTheHandConversionOfTorchsRows() throws IOException {
        BundleReconstructor r = BundleReconstructor.of(bundle);
        assertEquals(4, r.viewCount());
        JsonObject e = expected.getAsJsonObject("reconstructor");
        float[] rows = data(e.getAsJsonObject("gaussians"));
        int count = rows.length / 14;
        assertEquals(4 * 8 * 8, count);
        // the label is ignored: this reconstructor has no label input
        Condition cond = new Condition(data(e.getAsJsonObject("image")), 3, 16, 16, 7);
        GaussianCloud cloud = r.reconstruct(data(e.getAsJsonObject("x")), e.get("t").getAsInt(),
                data(e.getAsJsonObject("x0")), cond);
        assertEquals(count, cloud.size());
        assertEquals(0, cloud.shDegree());
        for (int i = 0; i < count; i++) {
            assertRow(rows, i, cloud, i, 1e-5);
        }
        assertTrue(cloud.validate().isClean());
    }

    @Test
    void nonFiniteRowsAreDroppedAndLogged() throws IOException {
        BundleReconstructor r = BundleReconstructor.of(bundle, "nan_reconstructor");
        JsonObject e = expected.getAsJsonObject("reconstructor");
        float[] x = data(e.getAsJsonObject("x"));
        float[] x0 = data(e.getAsJsonObject("x0"));
        // the network's position x is sqrt(red of view 0 of x_t): NaN exactly where that value is negative
        List<Integer> kept = new ArrayList<>();
        for (int p = 0; p < 256; p++) {
            if (!(x[p] < 0)) {
                kept.add(p);
            }
        }
        assertTrue(kept.size() > 50 && kept.size() < 206, "the fixture has both kinds: " + kept.size());
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord rec) {
                records.add(rec);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(BundleReconstructor.class.getName());
        log.addHandler(h);
        GaussianCloud cloud;
        try {
            cloud = r.reconstruct(x, 5, x0, Condition.none());
        } finally {
            log.removeHandler(h);
        }
        assertEquals(kept.size(), cloud.size());
        for (int i = 0; i < kept.size(); i++) {
            int p = kept.get(i);
            assertEquals(Math.sqrt(x[p]), cloud.positions()[3 * i], 1e-6);
            assertEquals(x0[256 + p], cloud.positions()[3 * i + 1], 0f); // green of view 0
            assertEquals(x0[512 + p], cloud.positions()[3 * i + 2], 0f); // blue of view 0
        }
        assertEquals(1, records.size());
        assertEquals(Level.WARNING, records.get(0).getLevel());
        String msg = records.get(0).getMessage();
        assertTrue(msg.startsWith("tiny-pipeline/nan_reconstructor: " + (256 - kept.size()) + " of 256 Gaussians"
                + " dropped"), msg);
        // the strict call refuses the same output, and points at the known cause of NaN from finite inputs
        ModelComponent c = bundle.component("nan_reconstructor");
        String strict = assertThrows(ModelBundleException.class, () -> c.run(new Tensor(x, 1, 4, 3, 16, 16),
                Tensor.ofInts(5), new Tensor(x0, 1, 4, 3, 16, 16), new Tensor(new float[3 * 16 * 16], 1, 3, 16, 16)))
                .getMessage();
        assertTrue(strict.contains("output \"gaussians\" holds NaN at index ")
                && strict.contains("docs/model-bundles.md, \"Convolution channels\""), strict);
    }

    @Test
    void reconstructorRefusesArraysThatDoNotFit() throws IOException {
        BundleReconstructor r = BundleReconstructor.of(bundle);
        float[] ok = new float[4 * 3 * 16 * 16];
        String len = assertThrows(IllegalArgumentException.class, () -> r.reconstruct(new float[3 * 3 * 16 * 16],
                5, new float[3 * 3 * 16 * 16], Condition.none())).getMessage();
        assertTrue(len.startsWith("model bundle 'tiny-pipeline', component 'reconstructor': "), len);
        assertThrows(IllegalArgumentException.class, () -> r.reconstruct(ok, 5, new float[7], Condition.none()));
        assertThrows(IllegalArgumentException.class, () -> r.reconstruct(ok, 5, ok,
                Condition.image(new float[12], 3, 2, 2)));
        // a condition without an image gets zeros: a different cloud than with an image
        JsonObject e = expected.getAsJsonObject("reconstructor");
        float[] img = data(e.getAsJsonObject("image"));
        GaussianCloud none = r.reconstruct(ok, 5, ok, Condition.none());
        GaussianCloud zeros = r.reconstruct(ok, 5, ok, Condition.image(new float[img.length], 3, 16, 16));
        GaussianCloud with = r.reconstruct(ok, 5, ok, Condition.image(img, 3, 16, 16));
        assertArrayEquals(zeros.positions(), none.positions());
        assertFalse(java.util.Arrays.equals(with.positions(), none.positions()));
        assertNotEquals(with, none);
    }
}
