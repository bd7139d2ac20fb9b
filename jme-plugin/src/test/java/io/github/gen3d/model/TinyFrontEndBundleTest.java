package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BundleFrontEnd} on the committed tiny-frontend bundle (made by
 * {@code src/test/python/make_tiny_frontend.py}: the default bundle's front-end contract at 16×16 with random
 * weights, so this proves the plumbing, not the pictures).
 */
class TinyFrontEndBundleTest {
    static final String RESOURCE = "bundles/tiny-frontend";
    private static final List<String> CATEGORIES = List.of("crate", "barrel", "mushroom", "potion", "lamp", "table",
            "rock", "chest", "vase", "tree");
    private static ModelBundle bundle;
    private static BundleFrontEnd front;

    @BeforeAll
    static void load() throws Exception {
        bundle = ModelBundle.loadResource(RESOURCE, DevicePolicy.CPU);
        front = BundleFrontEnd.of(bundle);
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    @Test
    void theLabelsComeFromTheComponentMetadata() throws Exception {
        assertEquals(CATEGORIES, front.labels());
        assertEquals(16, front.resolution());
        assertEquals(1, front.labelOf("Barrel"));
        JsonArray categories = bundle.metadata().getAsJsonArray("categories");
        assertEquals(CATEGORIES.size(), categories.size());
        assertEquals(CATEGORIES, Arrays.asList(
                bundle.component("frontend").metadata().getAsJsonArray("labels").asList().stream()
                        .map(e -> e.getAsString()).toArray(String[]::new)));
    }

    @Test
    void aDrawIsFiniteInRangeAndDeterministicForASeed() {
        float[] a = front.draw(front.labelOf("barrel"), 5L, 3, 3f);
        assertEquals(3 * 16 * 16, a.length);
        for (float v : a) {
            assertTrue(Float.isFinite(v) && v >= -1f && v <= 1f, "value " + v);
        }
        assertArrayEquals(a, front.draw(1, 5L, 3, 3f));
        assertFalse(Arrays.equals(a, front.draw(1, 6L, 3, 3f)), "another seed must give another picture");
        assertFalse(Arrays.equals(a, front.draw(2, 5L, 3, 3f)), "another label must give another picture");
        BufferedImage img = BundleFrontEnd.toImage(a, front.resolution());
        assertEquals(16, img.getWidth());
        assertEquals(16, img.getHeight());
    }

    @Test
    void aBatchAgreesWithSingleDraws() {
        List<float[]> batch = front.drawBatch(new int[] {0, 9, -1}, new long[] {1L, 2L, 3L}, 3, 2f);
        float[][] single = {front.draw(0, 1L, 3, 2f), front.draw(9, 2L, 3, 2f), front.draw(-1, 3L, 3, 2f)};
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < single[k].length; i++) {
                assertEquals(single[k][i], batch.get(k)[i], 1e-4, "picture " + k + " index " + i);
            }
        }
    }

    @Test
    void unknownNamesAndLabelsOutsideTheContractAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> front.labelOf("dragon"));
        assertTrue(e.getMessage().contains("\"dragon\"") && e.getMessage().contains("barrel"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> front.draw(10, 1L, 3, 3f));
        assertTrue(e.getMessage().contains("label 10") && e.getMessage().contains("-1..9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> front.draw(-2, 1L, 3, 3f));
    }

    private static Path copy(Path target, Consumer<JsonObject> edit) throws Exception {
        Path source = Paths.get(TinyFrontEndBundleTest.class.getClassLoader().getResource(RESOURCE + "/bundle.json")
                .toURI()).getParent();
        Files.copy(source.resolve("frontend.pt"), target.resolve("frontend.pt"));
        JsonObject root = JsonParser.parseString(Files.readString(source.resolve("bundle.json"))).getAsJsonObject();
        edit.accept(root.getAsJsonObject("components").getAsJsonObject("frontend"));
        Files.writeString(target.resolve("bundle.json"), root.toString());
        return target;
    }

    private static String refusal(Path dir, Consumer<JsonObject> edit) throws Exception {
        try (ModelBundle b = ModelBundle.load(copy(Files.createTempDirectory(dir, "b"), edit), DevicePolicy.CPU)) {
            ModelBundleException e = assertThrows(ModelBundleException.class, () -> BundleFrontEnd.of(b));
            assertTrue(e.getMessage().contains("tiny-frontend") && e.getMessage().contains("frontend"),
                    e.getMessage());
            return e.getMessage();
        }
    }

    @Test
    void aComponentWithoutFittingLabelsIsRefused(@TempDir Path dir) throws Exception {
        assertTrue(refusal(dir, c -> c.remove("metadata")).contains("\"labels\""));
        assertTrue(refusal(dir, c -> c.getAsJsonObject("metadata").getAsJsonArray("labels").remove(9))
                .contains("[-1, 8]"));
        assertTrue(refusal(dir, c -> c.getAsJsonObject("metadata").getAsJsonArray("labels")
                .set(9, new JsonPrimitive("Crate"))).contains("twice"));
        assertTrue(refusal(dir, c -> c.getAsJsonArray("inputs").get(2).getAsJsonObject().getAsJsonArray("range")
                .set(0, new JsonPrimitive(0))).contains("[-1, 9]"));
    }

    @Test
    void aMissingComponentIsRefused() {
        assertThrows(ModelBundleException.class, () -> BundleFrontEnd.of(bundle, "nope"));
    }
}
