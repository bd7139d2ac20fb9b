package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gen3d.splat.GltfSplatFormatTest.Glb;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed .glb input: each case must end in an {@link IOException} whose message starts with the file name and
 * names the problem (checked by a word from the message), never in another exception or a large allocation.
 * Most cases edit the JSON of a small valid file built with {@link Glb}.
 */
class GltfSplatBadInputTest {
    private static final String NAME = "bad.glb";
    private static final Logger PACKAGE_LOGGER = Logger.getLogger("io.github.gen3d.splat");
    private static Level savedLevel;

    @BeforeAll
    static void quiet() {
        savedLevel = PACKAGE_LOGGER.getLevel();
        PACKAGE_LOGGER.setLevel(Level.SEVERE);
    }

    @AfterAll
    static void restore() {
        PACKAGE_LOGGER.setLevel(savedLevel);
    }

    /** Reads through the facade and returns the IOException, failing on success or any other throwable. */
    static IOException failure(byte[] data) {
        try {
            GaussianCloud c = SplatIO.read(new ByteArrayInputStream(data), NAME, null, null);
            fail("read " + c + " from bad input");
            return null;
        } catch (IOException e) {
            assertTrue(e.getMessage().startsWith(NAME + ": "), e.getMessage());
            assertNull(e.getCause() instanceof RuntimeException ? e.getCause() : null, "a reader bug: " + e);
            return e;
        } catch (Throwable t) {
            throw new AssertionError("threw " + t + " instead of an IOException", t);
        }
    }

    static void assertFails(byte[] data, String word) {
        IOException e = failure(data);
        assertTrue(e.getMessage().contains(word), "'" + word + "' not in: " + e.getMessage());
    }

    /** A valid file of two splats (SH degree 1) under one node; {@code edit} changes its JSON first. */
    static byte[] valid(Consumer<JsonObject> edit) {
        Glb g = new Glb();
        g.scene(g.meshNode(g.mesh(SplatTestSupport.randomCloud(5, 2, 1), "srgb_rec709_display")));
        g.build();
        edit.accept(g.root);
        return Glb.glb(g.root.toString(), g.bin.toByteArray());
    }

    static JsonObject accessor(JsonObject root, int i) {
        return root.getAsJsonArray("accessors").get(i).getAsJsonObject();
    }

    static JsonObject attributes(JsonObject root) {
        return root.getAsJsonArray("meshes").get(0).getAsJsonObject().getAsJsonArray("primitives").get(0)
                .getAsJsonObject().getAsJsonObject("attributes");
    }

    @Test
    void theValidBaseFileReads() throws IOException {
        assertEquals(2, SplatIO.read(new ByteArrayInputStream(valid(r -> { })), NAME, null, null).size());
    }

    @Test
    void everyTruncationOfTheConformanceFileFails() throws IOException {
        byte[] data = Files.readAllBytes(TestData.splat(GltfSplatFormatTest.CONFORMANCE));
        for (int cut = 0; cut < data.length; cut += (cut < 64 || cut > data.length - 64) ? 1 : 97) {
            failure(Arrays.copyOf(data, cut));
        }
        assertFails(Arrays.copyOf(data, 11), "too short");
        assertFails(Arrays.copyOf(data, data.length - 1), "truncated");
    }

    @Test
    void containerProblems() throws IOException {
        byte[] ok = valid(r -> { });
        byte[] magic = ok.clone();
        magic[0] = 'x';
        assertFails(magic, "not a binary glTF");
        assertFails("{\"asset\":{}}".getBytes(StandardCharsets.US_ASCII), "JSON glTF");
        byte[] v1 = ok.clone();
        v1[4] = 1;
        assertFails(v1, "version 1");
        byte[] longer = ok.clone();
        ByteBuffer.wrap(longer).order(ByteOrder.LITTLE_ENDIAN).putInt(8, ok.length + 4);
        assertFails(longer, "truncated");
        byte[] tiny = ok.clone();
        ByteBuffer.wrap(tiny).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 16);
        assertFails(tiny, "no room");
        byte[] jsonLen = ok.clone();
        ByteBuffer.wrap(jsonLen).order(ByteOrder.LITTLE_ENDIAN).putInt(12, ok.length);
        assertFails(jsonLen, "JSON chunk claims");
        byte[] notJson = ok.clone();
        notJson[16] = 'B';
        assertFails(notJson, "not JSON");
        int binHeader = 20 + ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        byte[] binLen = ok.clone();
        ByteBuffer.wrap(binLen).order(ByteOrder.LITTLE_ENDIAN).putInt(binHeader, 1 << 30);
        assertFails(binLen, "claims");
        byte[] noBin = Arrays.copyOf(ok, binHeader);
        ByteBuffer.wrap(noBin).order(ByteOrder.LITTLE_ENDIAN).putInt(8, binHeader);
        assertFails(noBin, "no BIN chunk");
        // trailing bytes after the declared length are ignored
        byte[] extra = Arrays.copyOf(ok, ok.length + 5);
        assertEquals(2, SplatIO.read(new ByteArrayInputStream(extra), NAME, null, null).size());
    }

    @Test
    void garbageJson() {
        byte[] bin = new byte[4];
        assertFails(Glb.glb("{\"asset\": ", bin), "not valid JSON");
        assertFails(Glb.glb("[1, 2, 3]", bin), "not a JSON object");
        assertFails(Glb.glb("{\"a\": 1} {\"b\": 2}", bin), "JSON");
        assertFails(Glb.glb("{a: 1}", bin), "not valid JSON");
        assertFails(Glb.glb("{\"asset\": {\"version\": \"2.0\"}, // comment\n}", bin), "not valid JSON");
        assertFails(Glb.glb("{\"meshes\": 7}", bin), "meshes is not a JSON array");
        assertFails(Glb.glb("{}", bin), "has no KHR_gaussian_splatting primitives");
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        assertFails(Glb.glb("{\"x\": " + deep + "}", bin), "has no KHR_gaussian_splatting");
        IOException e = failure(Glb.glb("{\"x\": " + "[".repeat(200_000), bin));
        assertTrue(e.getMessage().length() < 400, "messages stay short: " + e.getMessage().length());
        assertFails(Glb.glb("{\"asset\": {\"version\": \"1.0\"}}", bin), "only glTF 2");
    }

    @Test
    void lyingAccessorsAndViews() {
        assertFails(valid(r -> accessor(r, 0).addProperty("count", 3)), "needs");
        assertFails(valid(r -> accessor(r, 0).addProperty("count", Integer.MAX_VALUE)), "needs");
        assertFails(valid(r -> accessor(r, 0).addProperty("count", 0)), "count");
        assertFails(valid(r -> accessor(r, 0).addProperty("count", 1.5)), "not an integer");
        assertFails(valid(r -> accessor(r, 0).addProperty("count", "2")), "not a number");
        assertFails(valid(r -> accessor(r, 0).addProperty("count", 1e300)), "not an integer");
        assertFails(valid(r -> accessor(r, 0).addProperty("byteOffset", 4)), "needs");
        assertFails(valid(r -> accessor(r, 0).addProperty("byteOffset", -4)), "byteOffset");
        assertFails(valid(r -> accessor(r, 0).addProperty("componentType", 5124)), "componentType");
        assertFails(valid(r -> accessor(r, 0).addProperty("type", "VEC4")), "cannot be used");
        assertFails(valid(r -> accessor(r, 0).addProperty("type", "MAT4")), "cannot be used");
        assertFails(valid(r -> accessor(r, 0).addProperty("normalized", true)), "normalized");
        assertFails(valid(r -> accessor(r, 1).addProperty("count", 1)), "different counts");
        assertFails(valid(r -> accessor(r, 0).add("sparse", new JsonObject())), "sparse");
        assertFails(valid(r -> accessor(r, 0).addProperty("bufferView", 99)), "bufferView");
        assertFails(valid(r -> accessor(r, 0).addProperty("bufferView", -1)), "bufferView");
        assertFails(valid(r -> view(r, 0).addProperty("byteOffset", 1 << 20)), "lies outside");
        assertFails(valid(r -> view(r, 0).addProperty("byteLength", 1 << 20)), "lies outside");
        assertFails(valid(r -> view(r, 0).addProperty("byteLength", 4)), "needs");
        assertFails(valid(r -> view(r, 0).addProperty("byteStride", 8)), "byteStride");
        assertFails(valid(r -> view(r, 0).addProperty("byteStride", 256)), "byteStride");
        assertFails(valid(r -> view(r, 0).addProperty("buffer", 1)), "buffer");
        assertFails(valid(r -> buffer(r).addProperty("byteLength", 1 << 20)), "truncated");
        assertFails(valid(r -> buffer(r).addProperty("uri", "splats.bin")), "external file");
        assertFails(valid(r -> buffer(r).addProperty("uri", "data:application/octet-stream;base64,@@@")),
                "base64");
        assertFails(valid(r -> attributes(r).addProperty("POSITION", 1000)), "accessors");
    }

    static JsonObject view(JsonObject root, int i) {
        return root.getAsJsonArray("bufferViews").get(i).getAsJsonObject();
    }

    static JsonObject buffer(JsonObject root) {
        return root.getAsJsonArray("buffers").get(0).getAsJsonObject();
    }

    @Test
    void missingOrIncompleteAttributes() {
        assertFails(valid(r -> attributes(r).remove("POSITION")), "no POSITION");
        assertFails(valid(r -> attributes(r).remove("KHR_gaussian_splatting:ROTATION")), "ROTATION");
        assertFails(valid(r -> attributes(r).remove("KHR_gaussian_splatting:SCALE")), "SCALE");
        assertFails(valid(r -> attributes(r).remove("KHR_gaussian_splatting:OPACITY")), "OPACITY");
        assertFails(valid(r -> attributes(r).remove("KHR_gaussian_splatting:SH_DEGREE_0_COEF_0")),
                "no KHR_gaussian_splatting:SH_DEGREE_0_COEF_0");
        assertFails(valid(r -> attributes(r).remove("KHR_gaussian_splatting:SH_DEGREE_1_COEF_2")), "complete");
        assertFails(valid(r -> attributes(r).addProperty("KHR_gaussian_splatting:SH_DEGREE_3_COEF_0", 0)),
                "not degree 2");
        assertFails(valid(r -> {
            JsonObject ext = r.getAsJsonArray("meshes").get(0).getAsJsonObject().getAsJsonArray("primitives")
                    .get(0).getAsJsonObject().getAsJsonObject("extensions").getAsJsonObject("KHR_gaussian_splatting");
            JsonObject nested = new JsonObject();
            nested.add("EXT_gaussian_splatting_kernel_custom", new JsonObject());
            ext.add("extensions", nested);
            attributes(r).remove("KHR_gaussian_splatting:ROTATION");
        }), "EXT_gaussian_splatting_kernel_custom, which this reader does not support");
        assertFails(valid(r -> {
            JsonObject ext = r.getAsJsonArray("meshes").get(0).getAsJsonObject().getAsJsonArray("primitives")
                    .get(0).getAsJsonObject().getAsJsonObject("extensions").getAsJsonObject("KHR_gaussian_splatting");
            JsonObject nested = new JsonObject();
            JsonObject spz = new JsonObject();
            spz.addProperty("bufferView", 0); // the POSITION floats: not an SPZ blob
            nested.add("KHR_gaussian_splatting_compression_spz_2", spz);
            ext.add("extensions", nested);
        }), "not an SPZ file");
        assertFails(valid(r -> {
            JsonArray req = new JsonArray();
            req.add("EXT_meshopt_compression");
            r.add("extensionsRequired", req);
        }), "EXT_meshopt_compression");
    }

    @Test
    void badScenesAndNodes() {
        assertFails(valid(r -> r.addProperty("scene", 3)), "scene");
        assertFails(valid(r -> node(r).addProperty("mesh", 4)), "mesh");
        assertFails(valid(r -> {
            JsonArray kids = new JsonArray();
            kids.add(0);
            node(r).add("children", kids);
        }), "reached twice");
        assertFails(valid(r -> {
            // two parents: nodes 1 and 2 both list node 0; the scene lists 1 and 2
            for (int p = 0; p < 2; p++) {
                JsonObject n = new JsonObject();
                JsonArray kids = new JsonArray();
                kids.add(0);
                n.add("children", kids);
                r.getAsJsonArray("nodes").add(n);
            }
            JsonArray roots = new JsonArray();
            roots.add(1);
            roots.add(2);
            r.getAsJsonArray("scenes").get(0).getAsJsonObject().add("nodes", roots);
        }), "reached twice");
        assertFails(valid(r -> node(r).add("scale", GltfSplatFormatTest.json(1, 2, 1))), "non-uniform");
        assertFails(valid(r -> node(r).add("scale", GltfSplatFormatTest.json(0, 0, 0))), "degenerate");
        assertFails(valid(r -> node(r).add("scale", GltfSplatFormatTest.json(1, 1))), "scale");
        assertFails(valid(r -> node(r).add("rotation", GltfSplatFormatTest.json(0, 0, 0, 0))), "rotation");
        assertFails(valid(r -> node(r).add("matrix", GltfSplatFormatTest.json(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0,
                0, 0, 0, 2))), "not affine");
        assertFails(valid(r -> node(r).add("matrix", GltfSplatFormatTest.json(1, 0, 0, 0, 0.5, 1, 0, 0, 0, 0, 1,
                0, 0, 0, 0, 1))), "shear");
        assertFails(valid(r -> node(r).add("translation", JsonParser.parseString("[1, 1, 1e400]"))), "finite");
    }

    static JsonObject node(JsonObject root) {
        return root.getAsJsonArray("nodes").get(0).getAsJsonObject();
    }

    @Test
    void instancingCannotInflateASmallFile() throws IOException {
        // 100 splats (~5.6 kB) used by 1000 nodes: 100,000 splats from ~25 kB is refused, 10 uses are fine
        for (int uses : new int[] {10, 1000}) {
            Glb g = new Glb();
            int mesh = g.mesh(SplatTestSupport.randomCloud(6, 100, 0), "srgb_rec709_display");
            int[] roots = new int[uses];
            for (int i = 0; i < uses; i++) {
                roots[i] = g.meshNode(mesh);
            }
            g.scene(roots);
            if (uses == 10) {
                assertEquals(1000, SplatIO.read(new ByteArrayInputStream(g.build()), NAME, null, null).size());
            } else {
                assertFails(g.build(), "instancing limit");
            }
        }
        // SPZ: a blob's own points are free once; primitives reusing the same view count against the limit
        java.io.ByteArrayOutputStream blob = new java.io.ByteArrayOutputStream();
        new SpzFormat().write(SplatTestSupport.randomCloud(7, 200, 0), blob);
        for (int copies : new int[] {2, 500}) {
            Glb g = new Glb();
            int mesh = GltfSplatFormatTest.spzMesh(g, blob.toByteArray(), 200);
            JsonArray prims = g.arr("meshes").get(mesh).getAsJsonObject().getAsJsonArray("primitives");
            for (int i = 1; i < copies; i++) {
                prims.add(prims.get(0).deepCopy());
            }
            g.scene(g.meshNode(mesh));
            if (copies == 2) {
                assertEquals(400, SplatIO.read(new ByteArrayInputStream(g.build()), NAME, null, null).size());
            } else {
                assertFails(g.build(), "instancing limit");
            }
        }
        // a buffer-less accessor reads as zeros, but its count still counts against the limit
        assertFails(valid(r -> {
            for (int i = 0; i < r.getAsJsonArray("accessors").size(); i++) {
                accessor(r, i).remove("bufferView");
                accessor(r, i).addProperty("count", 100_000_000);
            }
        }), "instancing limit");
    }
}
