package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.gen3d.diffusion.SamplerSettings;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a bundle can be wrong gives a ModelBundleException whose message names the bundle, the component where
 * there is one, and the problem; device choice follows the policy, the property and the bundle's devices.
 */
class ModelBundleErrorsTest {
    @TempDir
    Path dir;
    Path source;

    @BeforeEach
    void copyTinyBundle() throws Exception {
        source = Paths.get(getClass().getClassLoader().getResource(TinyBundleTest.RESOURCE + "/bundle.json").toURI())
                .getParent();
        Files.copy(source.resolve("bundle.json"), dir.resolve("bundle.json"));
        Files.copy(source.resolve("tiny_denoiser.pt"), dir.resolve("tiny_denoiser.pt"));
    }

    JsonObject json() throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve("bundle.json"))).getAsJsonObject();
    }

    static JsonObject denoiser(JsonObject root) {
        return root.getAsJsonObject("components").getAsJsonObject("denoiser");
    }

    /** Applies an edit to bundle.json, loads, and returns the failure's message after checking its prefix. */
    String fails(Consumer<JsonObject> edit, String component) throws IOException {
        copyBack();
        JsonObject root = json();
        edit.accept(root);
        Files.writeString(dir.resolve("bundle.json"), root.toString());
        return failsAsIs(component);
    }

    String failsAsIs(String component) {
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir,
                DevicePolicy.CPU));
        assertEquals(component, e.component(), e.getMessage());
        String prefix = component == null ? "model bundle '" : "model bundle 'tiny', component '" + component + "': ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theUneditedCopyLoads() throws IOException {
        try (ModelBundle b = ModelBundle.load(dir, DevicePolicy.CPU)) {
            assertEquals("[denoiser]", b.componentNames().toString());
            assertEquals(dir, b.folder());
        }
    }

    @Test
    void missingFileNamesTheComponent() throws IOException {
        Files.delete(dir.resolve("tiny_denoiser.pt"));
        String m = failsAsIs("denoiser");
        assertTrue(m.contains("file tiny_denoiser.pt listed in bundle.json is missing"), m);
    }

    @Test
    void changedByteFailsTheChecksum() throws IOException {
        Path pt = dir.resolve("tiny_denoiser.pt");
        byte[] b = Files.readAllBytes(pt);
        b[b.length / 2] ^= 1;
        Files.write(pt, b);
        String m = failsAsIs("denoiser");
        assertTrue(m.contains("has sha256 " + Checksums.sha256(pt) + " but bundle.json says "
                + json().getAsJsonObject("files").get("tiny_denoiser.pt").getAsString()), m);
    }

    @Test
    void checksumIsTheFilesSha256() throws Exception {
        // the known SHA-256 of "abc" (FIPS 180-2 example)
        Path abc = dir.resolve("abc");
        Files.writeString(abc, "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checksums.sha256(abc));
    }

    @Test
    void corruptTorchScriptWithMatchingChecksumIsAnError() throws IOException {
        Path pt = dir.resolve("tiny_denoiser.pt");
        Files.writeString(pt, "not a zip");
        String sha = Checksums.sha256(pt);
        String m = fails(r -> r.getAsJsonObject("files").addProperty("tiny_denoiser.pt", sha), "denoiser");
        assertTrue(m.contains("DJL could not load TorchScript file tiny_denoiser.pt"), m);
    }

    @Test
    void unsupportedContractsAreErrors() throws IOException {
        failsWith(r -> denoiser(r).addProperty("backend", "onnx"), "denoiser", "unknown backend \"onnx\"");
        failsWith(r -> denoiser(r).getAsJsonArray("inputs").get(0).getAsJsonObject()
                .addProperty("dtype", "float16"), "denoiser", "unsupported dtype \"float16\"");
        failsWith(r -> denoiser(r).remove("prediction"), "denoiser", "a denoiser must declare \"prediction\"");
        failsWith(r -> denoiser(r).addProperty("prediction", "score"), "denoiser", "unsupported prediction \"score\"");
        failsWith(r -> denoiser(r).addProperty("views", 6), "denoiser", "has 4 views but \"views\" is 6");
        failsWith(r -> denoiser(r).getAsJsonArray("outputs").get(0).getAsJsonObject().getAsJsonArray("shape")
                .set(1, new JsonPrimitive(2)), "denoiser", "must have the first input's shape");
        failsWith(r -> denoiser(r).addProperty("role", "reconstructor"), "denoiser",
                "\"prediction\" only applies to role denoiser");
        failsWith(r -> {
            denoiser(r).addProperty("role", "reconstructor");
            denoiser(r).remove("prediction");
        }, "denoiser", "Gaussians [batch, count, 14]");
        failsWith(r -> denoiser(r).addProperty("prediciton", "epsilon"), "denoiser", "unknown key \"prediciton\"");
        failsWith(r -> denoiser(r).addProperty("file", "other.pt"), "denoiser",
                "\"other.pt\" is not listed with its sha256");
        failsWith(r -> denoiser(r).getAsJsonArray("inputs").get(1).getAsJsonObject().getAsJsonArray("shape")
                .set(0, new JsonPrimitive(0)), "denoiser", "must be an integer in [1, 2147483647]");
        failsWith(r -> denoiser(r).getAsJsonArray("inputs").get(2).getAsJsonObject().getAsJsonArray("range")
                .set(0, new JsonPrimitive(5)), "denoiser", "range has min 5.0 > max 1.0");
        failsWith(r -> denoiser(r).getAsJsonArray("inputs").get(2).getAsJsonObject()
                .addProperty("name", "x"), "denoiser", "two inputs are named \"x\"");
        failsWith(r -> denoiser(r).add("block", new JsonPrimitive("mlp")), "denoiser", "only apply to backend djl");
    }

    /** Asserts that the edit fails at the component (or bundle, when null) with a message containing text. */
    void failsWith(Consumer<JsonObject> edit, String component, String text) throws IOException {
        String m = fails(edit, component);
        assertTrue(m.contains(text), m);
    }

    void copyBack() throws IOException {
        Files.copy(source.resolve("bundle.json"), dir.resolve("bundle.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void bundleLevelProblemsAreErrors() throws IOException {
        failsWith(r -> r.addProperty("formatVersion", 2), null, "formatVersion 2 is not supported");
        failsWith(r -> r.addProperty("format", "other"), null, "\"format\" must be");
        failsWith(r -> r.remove("licence"), null, "\"licence\" is missing");
        failsWith(r -> r.getAsJsonObject("files").addProperty("../../etc/passwd", "0".repeat(64)), null,
                "must be a relative path inside the bundle folder");
        failsWith(r -> r.getAsJsonObject("files").addProperty("tiny_denoiser.pt", "ABC"), null,
                "64 lower-case hex digits");
        failsWith(r -> r.add("devices", new JsonArray()), null, "\"devices\" is empty");
        failsWith(r -> r.add("components", new JsonObject()), null, "\"components\" is empty");
        failsWith(r -> r.addProperty("name", "a b"), null, "\"name\" must be");
        failsWith(r -> r.getAsJsonObject("files").addProperty("extra.bin", "0".repeat(64)), null,
                "file extra.bin listed in bundle.json is missing");
    }

    @Test
    void samplerRefinementIsReadAndChecked() throws IOException {
        try (ModelBundle b = ModelBundle.load(dir, DevicePolicy.CPU)) {
            assertNull(b.refinement(), "none declared");
            assertEquals(5f, b.recommendedGuidance(), "none declared: Gen-3Diffusion's");
        }
        JsonObject root = json();
        root.add("sampler", JsonParser.parseString(
                "{\"description\": \"tuned\", \"refinement\": {\"atNoise\": 1, \"atClean\": 0.25}}"));
        Files.writeString(dir.resolve("bundle.json"), root.toString());
        try (ModelBundle b = ModelBundle.load(dir, DevicePolicy.CPU)) {
            assertEquals(new SamplerSettings.Refinement(1, 0.25), b.refinement());
            assertEquals(5f, b.recommendedGuidance(), "a refinement alone recommends no guidance");
        }
        root.add("sampler", JsonParser.parseString("{\"guidance\": 2.5}"));
        Files.writeString(dir.resolve("bundle.json"), root.toString());
        try (ModelBundle b = ModelBundle.load(dir, DevicePolicy.CPU)) {
            assertEquals(2.5f, b.recommendedGuidance());
            assertNull(b.refinement(), "a guidance alone recommends no refinement");
        }
        failsWith(r -> r.add("sampler", JsonParser.parseString("{\"guidance\": 60}")), null,
                "sampler.guidance must be in [0, 50], got 60");
        failsWith(r -> r.add("sampler", JsonParser.parseString("{\"guidance\": -1}")), null,
                "sampler.guidance must be in [0, 50], got -1");
        failsWith(r -> r.add("sampler", JsonParser.parseString("{\"guidance\": \"strong\"}")), null,
                "sampler.guidance must be a number");
        failsWith(r -> r.add("sampler", JsonParser.parseString("{\"refinement\": {\"atNoise\": 1.5, \"atClean\": 0}}")),
                null, "sampler.refinement.atNoise must be in [0, 1], got 1.5");
        failsWith(r -> r.add("sampler", JsonParser.parseString("{\"refinement\": {\"atNoise\": 1}}")),
                null, "sampler.refinement.atClean is missing");
        failsWith(r -> r.add("sampler", JsonParser.parseString("{\"refinement\": {\"atNoise\": \"high\", \"atClean\": 0}}")),
                null, "sampler.refinement.atNoise must be a number");
        failsWith(r -> r.add("sampler", JsonParser.parseString("{\"refine\": {}}")), null,
                "\"sampler\" has an unknown key \"refine\"");
        failsWith(r -> r.add("sampler", JsonParser.parseString("[1, 0]")), null, "\"sampler\" must be a JSON object");
    }

    @Test
    void malformedJsonIsAnError() throws IOException {
        for (String text : new String[] {"", "[]", "{\"format\": ", "{} {}", "[".repeat(100_000),
            "{\"a\": 1, \"a\": 2}"}) {
            Files.writeString(dir.resolve("bundle.json"), text);
            String m = failsAsIs(null);
            assertTrue(m.contains("bundle.json"), m);
        }
        String good = Files.readString(source.resolve("bundle.json"));
        int brace = good.indexOf('{');
        Files.writeString(dir.resolve("bundle.json"), good.substring(0, brace + 1) + "\"name\": \"other\", "
                + good.substring(brace + 1));
        String dup = failsAsIs(null);
        assertTrue(dup.contains("key \"name\" appears twice"), dup);
        Files.write(dir.resolve("bundle.json"), new byte[] {'{', (byte) 0xC3, '}'});
        assertTrue(failsAsIs(null).contains("not UTF-8"));
        Files.write(dir.resolve("bundle.json"), new byte[BundleManifest.MAX_JSON_BYTES + 1]);
        assertTrue(failsAsIs(null).contains("larger than"));
        Files.delete(dir.resolve("bundle.json"));
        assertTrue(failsAsIs(null).contains("no bundle.json in the folder"));
        assertTrue(assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir.resolve("nowhere")))
                .getMessage().contains("not a bundle folder"));
    }

    @Test
    void specialFilesAreRefusedWithoutHangingOrReadingForever() throws Exception {
        // regression: a FIFO as bundle.json hung the loader; bundle.json linked to /dev/zero read 5.5 GB
        Path json = dir.resolve("bundle.json");
        Files.delete(json);
        assertEquals(0, new ProcessBuilder("mkfifo", json.toString()).start().waitFor());
        String m = org.junit.jupiter.api.Assertions.assertTimeout(java.time.Duration.ofSeconds(10),
                () -> failsAsIs(null));
        assertTrue(m.contains("not a regular file"), m);
        Files.delete(json);
        Files.createSymbolicLink(json, Path.of("/dev/zero"));
        m = org.junit.jupiter.api.Assertions.assertTimeout(java.time.Duration.ofSeconds(10), () -> failsAsIs(null));
        assertTrue(m.contains("not a regular file"), m);
    }

    @Test
    void aComponentFileThatIsAFifoIsRefusedWithoutHanging() throws Exception {
        try (var files = Files.list(dir)) {
            Path weights = files.filter(f -> !f.getFileName().toString().equals("bundle.json")).findFirst()
                    .orElseThrow();
            Files.delete(weights);
            assertEquals(0, new ProcessBuilder("mkfifo", weights.toString()).start().waitFor());
            String m = org.junit.jupiter.api.Assertions.assertTimeout(java.time.Duration.ofSeconds(10),
                    () -> assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir, DevicePolicy.CPU))
                            .getMessage());
            assertTrue(m.contains("not a regular file"), m);
        }
    }

    @Test
    void aMissingShippedModelNamesTheArtifactToAdd() {
        String m = assertThrows(ModelBundleException.class, () -> ModelBundle.loadResource("Models/gen3d-missing",
                DevicePolicy.CPU)).getMessage();
        assertTrue(m.contains("no Models/gen3d-missing/bundle.json on the classpath") && m.contains(
                "io.github.gen3d:gen3d-assets"), m);
        String other = assertThrows(ModelBundleException.class, () -> ModelBundle.loadResource("my/models/x",
                DevicePolicy.CPU)).getMessage();
        assertFalse(other.contains("gen3d-assets"), other);
    }

    @Test
    void theSchedulerSubstitutionIsLoggedOncePerBundleNotPerRequest() throws Exception {
        // regression: every generation logged the bundle's scheduler line again (three times a run)
        java.util.List<String> infos = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(BundleSamplers.class.getName());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                infos.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Level before = log.getLevel();
        log.setLevel(java.util.logging.Level.INFO);
        log.addHandler(h);
        try (ModelBundle b = ModelBundle.loadResource(BundleAdaptersTest.RESOURCE, DevicePolicy.CPU)) {
            SamplerSettings s = SamplerSettings.defaults().withSteps(4);
            for (int i = 0; i < 3; i++) {
                BundleSamplers.create(b, s);
            }
            assertTrue(BundleSamplers.SCHEDULER_NOTED.stream().anyMatch(k -> k.startsWith(b.fingerprint())),
                    "the test bundle's scheduler differs from the defaults: its substitution is noted");
            assertTrue(infos.stream().filter(m -> m.contains("bundle's scheduler")).count() <= 1, infos.toString());
        } finally {
            log.removeHandler(h);
            log.setLevel(before);
        }
    }

    @Test
    void devicePolicyFollowsRequestPropertyAndBundle() throws ModelBundleException {
        assertEquals(Device.cpu(), ModelRuntime.chooseDevice(DevicePolicy.AUTO, 0, true, true, "b"));
        assertEquals(Device.gpu(0), ModelRuntime.chooseDevice(DevicePolicy.AUTO, 2, true, true, "b"));
        assertEquals(Device.cpu(), ModelRuntime.chooseDevice(DevicePolicy.AUTO, 2, false, true, "b"));
        assertEquals(Device.cpu(), ModelRuntime.chooseDevice(DevicePolicy.CPU, 2, true, true, "b"));
        assertEquals(Device.gpu(0), ModelRuntime.chooseDevice(DevicePolicy.GPU, 1, true, true, "b"));
        assertTrue(assertThrows(ModelBundleException.class,
                () -> ModelRuntime.chooseDevice(DevicePolicy.GPU, 0, true, true, "b")).getMessage()
                .contains("sees none"));
        assertTrue(assertThrows(ModelBundleException.class,
                () -> ModelRuntime.chooseDevice(DevicePolicy.GPU, 1, false, true, "b")).getMessage()
                .contains("only allows the CPU"));
        assertTrue(assertThrows(ModelBundleException.class,
                () -> ModelRuntime.chooseDevice(DevicePolicy.AUTO, 0, true, false, "b")).getMessage()
                .contains("only runs on a GPU"));
        assertTrue(assertThrows(ModelBundleException.class,
                () -> ModelRuntime.chooseDevice(DevicePolicy.CPU, 1, true, false, "b")).getMessage()
                .contains("only runs on a GPU"));
        String old = System.getProperty(DevicePolicy.PROPERTY);
        try {
            System.setProperty(DevicePolicy.PROPERTY, "cpu");
            assertEquals(Device.cpu(), ModelRuntime.chooseDevice(DevicePolicy.AUTO, 2, true, true, "b"));
            assertEquals(Device.gpu(0), ModelRuntime.chooseDevice(DevicePolicy.GPU, 2, true, true, "b"));
            System.setProperty(DevicePolicy.PROPERTY, "GPU");
            assertEquals(Device.gpu(0), ModelRuntime.chooseDevice(DevicePolicy.AUTO, 2, true, true, "b"));
            System.setProperty(DevicePolicy.PROPERTY, "tpu");
            assertTrue(assertThrows(ModelBundleException.class,
                    () -> ModelRuntime.chooseDevice(DevicePolicy.AUTO, 0, true, true, "b")).getMessage()
                    .contains("must be auto, cpu or gpu, got 'tpu'"));
        } finally {
            if (old == null) {
                System.clearProperty(DevicePolicy.PROPERTY);
            } else {
                System.setProperty(DevicePolicy.PROPERTY, old);
            }
        }
    }

    @Test
    void gpuOnlyBundleOrGpuRequestFailsWithoutAGpu() throws IOException {
        int gpus = ModelRuntime.engine("test").getGpuCount();
        org.junit.jupiter.api.Assumptions.assumeTrue(gpus == 0, "this machine has a GPU");
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir,
                DevicePolicy.GPU));
        assertTrue(e.getMessage().contains("a GPU was requested but DJL's PyTorch engine sees none"), e.getMessage());
        JsonObject root = json();
        JsonArray gpuOnly = new JsonArray();
        gpuOnly.add("gpu");
        root.add("devices", gpuOnly);
        Files.writeString(dir.resolve("bundle.json"), root.toString());
        e = assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir));
        assertTrue(e.getMessage().contains("only runs on a GPU"), e.getMessage());
    }

    @Test
    void closedBundleRefusesCalls() throws IOException {
        ModelBundle b = ModelBundle.load(dir, DevicePolicy.CPU);
        ModelComponent c = b.component("denoiser");
        b.close();
        b.close();
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> c.run(
                new Tensor(new float[4 * 3 * 64], 1, 4, 3, 8, 8), Tensor.ofInts(3), new Tensor(new float[192], 1, 3, 8,
                        8)));
        assertTrue(e.getMessage().contains("the bundle is closed"), e.getMessage());
        assertThrows(ModelBundleException.class, () -> b.component("denoiser"));
    }

    @Test
    void resourceInsideAJarIsLoadedFromMemoryVerifiedAndLeavesNoTemporaryCopy() throws Exception {
        // regression: every Ctrl-C or kill left a ~29 MB /tmp/gen3d-bundle-* copy of the default bundle
        Path jar = dir.resolve("bundle.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (String f : new String[] {"bundle.json", "tiny_denoiser.pt"}) {
                zip.putNextEntry(new ZipEntry("models/tiny/" + f));
                zip.write(Files.readAllBytes(source.resolve(f)));
                zip.closeEntry();
            }
        }
        Path tmpDir = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.Set<Path> before;
        try (var s = Files.list(tmpDir)) {
            before = s.collect(java.util.stream.Collectors.toSet());
        }
        ClassLoader old = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Thread.currentThread().setContextClassLoader(cl);
            Tensor in = new Tensor(new float[4 * 3 * 64], 1, 4, 3, 8, 8);
            for (int i = 0; i < in.data().length; i++) {
                in.data()[i] = (float) Math.sin(i);
            }
            float[] fromJar;
            try (ModelBundle b = ModelBundle.loadResource("/models/tiny/", DevicePolicy.CPU)) {
                assertNull(b.folder());
                try (var s = Files.list(tmpDir)) {
                    List<Path> added = s.filter(p -> !before.contains(p)
                            && p.getFileName().toString().startsWith("gen3d-bundle")).toList();
                    assertEquals(List.of(), added, "no temporary copy of the bundle");
                }
                fromJar = b.component("denoiser").run(in, Tensor.ofInts(3), new Tensor(new float[192], 1, 3, 8, 8))
                        .get("eps").data();
            }
            try (ModelBundle b = ModelBundle.load(source, DevicePolicy.CPU)) {
                float[] fromFolder = b.component("denoiser").run(in, Tensor.ofInts(3),
                        new Tensor(new float[192], 1, 3, 8, 8)).get("eps").data();
                org.junit.jupiter.api.Assertions.assertArrayEquals(fromFolder, fromJar,
                        "loaded from memory = loaded from the file");
            }
            // a component whose bytes in the jar were altered fails its checksum, naming it
            Path bad = dir.resolve("bad.jar");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bad))) {
                zip.putNextEntry(new ZipEntry("m/bundle.json"));
                zip.write(Files.readAllBytes(source.resolve("bundle.json")));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry("m/tiny_denoiser.pt"));
                byte[] pt = Files.readAllBytes(source.resolve("tiny_denoiser.pt"));
                pt[pt.length / 2] ^= 1;
                zip.write(pt);
                zip.closeEntry();
            }
            try (URLClassLoader badCl = new URLClassLoader(new URL[] {bad.toUri().toURL()}, null)) {
                Thread.currentThread().setContextClassLoader(badCl);
                String m = assertThrows(ModelBundleException.class, () -> ModelBundle.loadResource("m",
                        DevicePolicy.CPU)).getMessage();
                assertTrue(m.contains("tiny_denoiser.pt has sha256"), m);
                Thread.currentThread().setContextClassLoader(cl);
            }
            ModelBundleException missing = assertThrows(ModelBundleException.class,
                    () -> ModelBundle.loadResource("models/none"));
            assertTrue(missing.getMessage().contains("no models/none/bundle.json on the classpath"),
                    missing.getMessage());
            assertNull(missing.component());
        } finally {
            Thread.currentThread().setContextClassLoader(old);
        }
    }
}
