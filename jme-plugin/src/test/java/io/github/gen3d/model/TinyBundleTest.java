package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TorchScript path end to end: the committed tiny .pt (made by src/test/python/make_tiny_models.py with
 * Debian's torch 1.13) loads through the bundle loader on DJL's PyTorch 2.5 and reproduces the outputs the script
 * printed into expected.json, for two batch sizes and two resolutions; contract violations at call time are errors
 * that name the bundle, the component and the tensor.
 */
class TinyBundleTest {
    static final String RESOURCE = "bundles/tiny";
    private static ModelBundle bundle;
    private static ModelComponent denoiser;

    @BeforeAll
    static void load() throws IOException {
        bundle = ModelBundle.loadResource(RESOURCE, DevicePolicy.CPU);
        denoiser = bundle.component("denoiser");
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    static JsonObject expected() throws IOException {
        try (InputStream in = TinyBundleTest.class.getClassLoader().getResourceAsStream(RESOURCE
                + "/expected.json")) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    static Tensor tensor(JsonObject t) {
        JsonArray shape = t.getAsJsonArray("shape");
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).getAsLong();
        }
        JsonArray data = t.getAsJsonArray("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data.get(i).getAsDouble();
        }
        return new Tensor(values, dims);
    }

    static Map<String, Tensor> inputs(JsonObject testCase) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : testCase.getAsJsonObject("inputs").entrySet()) {
            in.put(e.getKey(), tensor(e.getValue().getAsJsonObject()));
        }
        return in;
    }

    @Test
    void metadataComesFromBundleJson() {
        assertEquals("tiny", bundle.name());
        assertEquals("1.0.0", bundle.version());
        assertTrue(bundle.fingerprint().matches("[0-9a-f]{64}"), bundle.fingerprint());
        try {
            assertEquals(Checksums.sha256(bundle.folder().resolve("bundle.json")), bundle.fingerprint());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals("BSD-3-Clause", bundle.licence());
        assertEquals("cpu()", bundle.device());
        assertEquals("denoiser", denoiser.role());
        assertEquals("torchscript", denoiser.backend());
        assertEquals("epsilon", denoiser.prediction());
        assertEquals(8, denoiser.resolution());
        assertEquals(4, denoiser.views());
        assertEquals(3, denoiser.inputs().size());
        assertEquals("t", denoiser.inputs().get(1).name());
        assertEquals("int64", denoiser.inputs().get(1).dtype());
        assertEquals(4, denoiser.inputs().get(0).fixedDim(1));
        assertEquals("batch", denoiser.inputs().get(0).symbol(0));
        assertEquals(999.0, denoiser.inputs().get(1).max());
    }

    @Test
    void outputsEqualWhatTorchPrinted() throws IOException {
        JsonArray cases = expected().getAsJsonArray("cases");
        assertEquals(2, cases.size());
        for (JsonElement c : cases) {
            JsonObject testCase = c.getAsJsonObject();
            Map<String, Tensor> out = denoiser.run(inputs(testCase));
            Tensor want = tensor(testCase.getAsJsonObject("outputs").getAsJsonObject("eps"));
            Tensor got = out.get("eps");
            assertEquals(java.util.Arrays.toString(want.shape()), java.util.Arrays.toString(got.shape()));
            double worst = 0;
            for (int i = 0; i < want.data().length; i++) {
                worst = Math.max(worst, Math.abs(want.data()[i] - got.data()[i]));
            }
            java.util.logging.Logger.getLogger(TinyBundleTest.class.getName()).info(testCase.get("name")
                    + ": max |djl - torch| = " + worst);
            assertTrue(worst <= 1e-5, testCase.get("name") + ": max |djl - torch| = " + worst);
        }
    }

    @Test
    void positionalCallMatchesNamedCall() throws IOException {
        JsonObject testCase = expected().getAsJsonArray("cases").get(0).getAsJsonObject();
        Map<String, Tensor> in = inputs(testCase);
        float[] named = denoiser.run(in).get("eps").data();
        float[] positional = denoiser.run(in.get("x"), in.get("t"), in.get("cond")).get("eps").data();
        assertEquals(named.length, positional.length);
        for (int i = 0; i < named.length; i++) {
            assertEquals(named[i], positional[i], 0f);
        }
    }

    private static ModelBundleException callFails(Tensor x, Tensor t, Tensor cond) {
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> denoiser.run(x, t, cond));
        assertEquals("tiny", e.bundle());
        assertEquals("denoiser", e.component());
        assertTrue(e.getMessage().startsWith("model bundle 'tiny', component 'denoiser': "), e.getMessage());
        return e;
    }

    private static Tensor zeros(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return new Tensor(new float[(int) n], shape);
    }

    @Test
    void wrongShapesAndValuesAreErrorsNamingTheTensor() {
        Tensor x = zeros(1, 4, 3, 8, 8);
        Tensor t = Tensor.ofInts(10);
        Tensor cond = zeros(1, 3, 8, 8);
        String rank = callFails(zeros(4, 3, 8, 8), t, cond).getMessage();
        assertTrue(rank.contains("input \"x\"") && rank.contains("rank 4, expected 5"), rank);
        String views = callFails(zeros(1, 3, 3, 8, 8), t, cond).getMessage();
        assertTrue(views.contains("dimension 1 is 3, expected 4"), views);
        String res = callFails(x, t, zeros(1, 3, 16, 16)).getMessage();
        assertTrue(res.contains("input \"cond\"") && res.contains("(res) is 16 but res is 8"), res);
        String batch = callFails(x, Tensor.ofInts(1, 2), cond).getMessage();
        assertTrue(batch.contains("input \"t\"") && batch.contains("(batch) is 2 but batch is 1"), batch);
        String range = callFails(x, Tensor.ofInts(1000), cond).getMessage();
        assertTrue(range.contains("outside its range [0.0, 999.0]"), range);
        String whole = callFails(x, new Tensor(new float[] {2.5f}, 1), cond).getMessage();
        assertTrue(whole.contains("int64 but holds 2.5"), whole);
        Tensor nan = zeros(1, 4, 3, 8, 8);
        nan.data()[17] = Float.NaN;
        String finite = callFails(nan, t, cond).getMessage();
        assertTrue(finite.contains("holds NaN at index 17"), finite);
        String count = assertThrows(ModelBundleException.class, () -> denoiser.run(x, t)).getMessage();
        assertTrue(count.contains("takes 3 inputs"), count);
        String missing = assertThrows(ModelBundleException.class, () -> denoiser.run(Map.of("x", x, "t", t)))
                .getMessage();
        assertTrue(missing.contains("input \"cond\" is missing"), missing);
        String unknown = assertThrows(ModelBundleException.class,
                () -> denoiser.run(Map.of("x", x, "t", t, "cond", cond, "extra", t))).getMessage();
        assertTrue(unknown.contains("no input named \"extra\""), unknown);
    }

    @Test
    void unknownComponentIsAnError() {
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> bundle.component("decoder"));
        assertEquals("decoder", e.component());
        assertTrue(e.getMessage().contains("[denoiser]"), e.getMessage());
        assertNull(new ModelBundleException("b", null, "p").component());
    }
}
