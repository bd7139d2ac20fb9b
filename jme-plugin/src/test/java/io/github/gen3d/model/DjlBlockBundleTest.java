package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DJL-native backend: an {@code mlp} block with known weights is saved by DJL's own {@code Model.save}, loaded
 * through a bundle, and its outputs are compared with the same network computed by hand in this test. Parameter
 * files that do not fit the block, unknown blocks and bad options are errors naming the component.
 */
class DjlBlockBundleTest {
    static final int IN = 4;
    static final int HIDDEN = 5;
    static final int OUT = 14;

    @TempDir
    Path dir;
    /** weights as this test set them: w1 [HIDDEN][IN], b1, w2 [OUT][HIDDEN], b2 */
    float[] w1;
    float[] b1;
    float[] w2;
    float[] b2;

    static float[] pattern(int n, int salt) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(0.7 * i + salt) * 0.5f;
        }
        return v;
    }

    @BeforeEach
    void saveBlock() throws IOException, ModelBundleException {
        ModelRuntime.engine("test");
        Block block = new MlpBlockFactory().create(Map.of("hidden", String.valueOf(HIDDEN), "out",
                String.valueOf(OUT), "activation", "relu"));
        try (Model model = Model.newInstance("head", Device.cpu(), "PyTorch")) {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, IN));
            List<NDArray> arrays = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                arrays.add(p.getValue().getArray());
            }
            assertEquals(4, arrays.size());
            assertEquals(new Shape(HIDDEN, IN), arrays.get(0).getShape());
            assertEquals(new Shape(HIDDEN), arrays.get(1).getShape());
            assertEquals(new Shape(OUT, HIDDEN), arrays.get(2).getShape());
            assertEquals(new Shape(OUT), arrays.get(3).getShape());
            w1 = pattern(HIDDEN * IN, 1);
            b1 = pattern(HIDDEN, 2);
            w2 = pattern(OUT * HIDDEN, 3);
            b2 = pattern(OUT, 4);
            arrays.get(0).set(w1);
            arrays.get(1).set(b1);
            arrays.get(2).set(w2);
            arrays.get(3).set(b2);
            model.save(dir, "head");
        }
        Files.move(dir.resolve("head-0000.params"), dir.resolve("head.params"));
        writeBundle("\"hidden\": \"" + HIDDEN + "\", \"out\": " + OUT, "mlp");
    }

    void writeBundle(String options, String block) throws IOException {
        String json = "{\"format\": \"gen3d-model-bundle\", \"formatVersion\": 1, \"name\": \"mlp-test\","
                + " \"version\": \"0\", \"licence\": \"CC0-1.0\","
                + " \"files\": {\"head.params\": \"" + Checksums.sha256(dir.resolve("head.params")) + "\"},"
                + " \"components\": {\"head\": {\"role\": \"reconstructor\", \"backend\": \"djl\","
                + " \"file\": \"head.params\", \"block\": \"" + block + "\", \"options\": {" + options + "},"
                + " \"inputs\": [{\"name\": \"features\", \"shape\": [\"batch\", \"points\", " + IN + "],"
                + " \"dtype\": \"float32\"}],"
                + " \"outputs\": [{\"name\": \"gaussians\", \"shape\": [\"batch\", \"points\", 14],"
                + " \"dtype\": \"float32\"}]}}}";
        Files.write(dir.resolve("bundle.json"), json.getBytes(StandardCharsets.UTF_8));
    }

    /** relu(W1 x + b1), then W2 h + b2, for one row x. */
    float[] byHand(float[] x) {
        float[] h = new float[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            double s = b1[j];
            for (int k = 0; k < IN; k++) {
                s += (double) w1[j * IN + k] * x[k];
            }
            h[j] = (float) Math.max(0, s);
        }
        float[] y = new float[OUT];
        for (int j = 0; j < OUT; j++) {
            double s = b2[j];
            for (int k = 0; k < HIDDEN; k++) {
                s += (double) w2[j * HIDDEN + k] * h[k];
            }
            y[j] = (float) s;
        }
        return y;
    }

    @Test
    void savedBlockRunsThroughTheBundleAndMatchesHandComputation() throws IOException {
        int batch = 2;
        int points = 7;
        float[] features = pattern(batch * points * IN, 9);
        for (int i = 0; i < features.length; i++) {
            features[i] *= 3;
        }
        try (ModelBundle bundle = ModelBundle.load(dir, DevicePolicy.CPU)) {
            ModelComponent head = bundle.component("head");
            assertEquals("djl", head.backend());
            assertEquals("reconstructor", head.role());
            Tensor out = head.run(new Tensor(features, batch, points, IN)).get("gaussians");
            assertArrayEquals(new long[] {batch, points, OUT}, out.shape());
            int negativeHidden = 0;
            for (int r = 0; r < batch * points; r++) {
                float[] x = new float[IN];
                System.arraycopy(features, r * IN, x, 0, IN);
                float[] want = byHand(x);
                for (int j = 0; j < OUT; j++) {
                    assertEquals(want[j], out.data()[r * OUT + j], 1e-5, "row " + r + " output " + j);
                }
                for (int j = 0; j < HIDDEN; j++) {
                    double s = b1[j];
                    for (int k = 0; k < IN; k++) {
                        s += (double) w1[j * IN + k] * x[k];
                    }
                    negativeHidden += s < 0 ? 1 : 0;
                }
            }
            assertTrue(negativeHidden > 0, "the inputs must exercise the relu's clipping");
        }
    }

    @Test
    void optionsThatDoNotMatchTheFileAreAnError() throws IOException {
        writeBundle("\"hidden\": \"6\", \"out\": " + OUT, "mlp");
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir));
        assertEquals("head", e.component());
        assertTrue(e.getMessage().contains("parameter 01Linear_weight has shape (5, 4)")
                && e.getMessage().contains("needs (6, 4)"), e.getMessage());
    }

    @Test
    void unknownBlockAndBadOptionsAreErrors() throws IOException {
        writeBundle("\"out\": 14", "unet9");
        String unknown = assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir)).getMessage();
        assertTrue(unknown.contains("component 'head'") && unknown.contains("no BlockFactory named \"unet9\""),
                unknown);
        writeBundle("\"out\": \"fourteen\"", "mlp");
        String bad = assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir)).getMessage();
        assertTrue(bad.contains("component 'head'") && bad.contains("\"fourteen\""), bad);
        writeBundle("\"out\": 14, \"depth\": 3", "mlp");
        String extra = assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir)).getMessage();
        assertTrue(extra.contains("unknown mlp option \"depth\""), extra);
    }

    @Test
    void truncatedOrForeignParameterFilesAreErrors() throws IOException {
        Path params = dir.resolve("head.params");
        byte[] all = Files.readAllBytes(params);
        Files.write(params, java.util.Arrays.copyOf(all, all.length - 40));
        writeBundle("\"hidden\": \"" + HIDDEN + "\", \"out\": " + OUT, "mlp");
        String truncated = assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir)).getMessage();
        assertTrue(truncated.contains("component 'head'") && truncated.contains("ends early"), truncated);
        Files.write(params, "PK not a parameter file".getBytes(StandardCharsets.UTF_8));
        writeBundle("\"hidden\": \"" + HIDDEN + "\", \"out\": " + OUT, "mlp");
        String foreign = assertThrows(ModelBundleException.class, () -> ModelBundle.load(dir)).getMessage();
        assertTrue(foreign.contains("not a DJL parameter file"), foreign);
    }

    @Test
    void registeredFactoriesAreFoundByName() throws IOException {
        BlockFactory.register(new BlockFactory() {
            @Override
            public String name() {
                return "renamed-mlp";
            }

            @Override
            public Block create(Map<String, String> options) {
                return new MlpBlockFactory().create(options);
            }
        });
        writeBundle("\"hidden\": \"" + HIDDEN + "\", \"out\": " + OUT, "renamed-mlp");
        try (ModelBundle bundle = ModelBundle.load(dir.resolve("bundle.json"))) {
            float[] x = {0.5f, -1f, 2f, 0.25f};
            float[] got = bundle.component("head").run(new Tensor(x, 1, 1, IN)).get("gaussians").data();
            assertArrayEquals(byHand(x), got, 1e-5f);
        }
    }
}
