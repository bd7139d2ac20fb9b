package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.gen3d.splat.GltfSplatFormatTest.RawGlb;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The .glb writer: what it writes is a well-formed GLB (checked here field by field with ByteBuffer and Gson),
 * and reading it back gives the cloud that was written.
 */
class GltfSplatRoundTripTest {
    @Test
    void writeThenReadGivesTheSameCloudForEveryShDegree() throws IOException {
        Path dir = TestData.out("gltf-roundtrip");
        for (int degree = 0; degree <= 3; degree++) {
            GaussianCloud src = SplatTestSupport.randomCloud(100 + degree, 257, degree);
            Path file = dir.resolve("cloud_sh" + degree + ".glb");
            SplatIO.write(src, file);
            GaussianCloud back = SplatIO.read(file);
            assertEquals(src.size(), back.size());
            assertEquals(degree, back.shDegree());
            assertArrayEquals(src.positions(), back.positions(), "positions are stored as floats");
            assertArrayEquals(src.opacities(), back.opacities());
            assertArrayEquals(src.sh(), back.sh(), "sRGB colours and SH are stored as floats");
            assertArrayEquals(src.scales(), back.scales(), "linear scales are stored as floats");
            for (int i = 0; i < src.size(); i++) {
                SplatTestSupport.assertSameRotation(src.rotations(), i, back.rotations(), i, 1e-6, "rotation " + i);
            }
        }
    }

    @Test
    void writtenFileIsAWellFormedGlb() throws IOException {
        GaussianCloud src = SplatTestSupport.randomCloud(7, 5, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new GltfSplatFormat().write(src, out);
        byte[] d = out.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x46546C67, b.getInt(0));
        assertEquals(2, b.getInt(4));
        assertEquals(d.length, b.getInt(8));
        int jsonLen = b.getInt(12);
        assertEquals(0, jsonLen % 4, "JSON chunk padded to 4 bytes");
        assertEquals(0x4E4F534A, b.getInt(16));
        int binLen = b.getInt(20 + jsonLen);
        assertEquals(0, binLen % 4);
        assertEquals(d.length, 28 + jsonLen + binLen);
        RawGlb raw = new RawGlb(d);
        JsonObject root = raw.root;
        assertEquals("2.0", root.getAsJsonObject("asset").get("version").getAsString());
        assertEquals("KHR_gaussian_splatting", root.getAsJsonArray("extensionsUsed").get(0).getAsString());
        assertFalse(root.has("extensionsRequired"), "point-cloud fallback stays possible");
        JsonObject prim = root.getAsJsonArray("meshes").get(0).getAsJsonObject().getAsJsonArray("primitives")
                .get(0).getAsJsonObject();
        assertEquals(0, prim.get("mode").getAsInt(), "POINTS");
        assertEquals("srgb_rec709_display", raw.colorSpace(0));
        assertEquals(binLen, root.getAsJsonArray("buffers").get(0).getAsJsonObject().get("byteLength").getAsInt());
        // POSITION min/max are the real bounds (required by glTF)
        JsonObject pos = root.getAsJsonArray("accessors").get(prim.getAsJsonObject("attributes").get("POSITION")
                .getAsInt()).getAsJsonObject();
        JsonArray min = pos.getAsJsonArray("min");
        JsonArray max = pos.getAsJsonArray("max");
        for (int c = 0; c < 3; c++) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < 5; i++) {
                lo = Math.min(lo, src.positions()[i * 3 + c]);
                hi = Math.max(hi, src.positions()[i * 3 + c]);
            }
            assertEquals(lo, min.get(c).getAsFloat());
            assertEquals(hi, max.get(c).getAsFloat());
        }
        // element 0 of each attribute, decoded independently: xyzw rotation, linear scale, rgb SH
        float[] q = src.rotations();
        assertArrayEquals(new double[] {q[1], q[2], q[3], q[0]}, raw.value(0, "KHR_gaussian_splatting:ROTATION"),
                0);
        assertArrayEquals(new double[] {src.scales()[0], src.scales()[1], src.scales()[2]},
                raw.value(0, "KHR_gaussian_splatting:SCALE"), 0);
        assertArrayEquals(new double[] {src.sh()[3 * 3], src.sh()[3 * 3 + 1], src.sh()[3 * 3 + 2]},
                raw.value(0, "KHR_gaussian_splatting:SH_DEGREE_1_COEF_2"), 0);
    }

    @Test
    void rdfCloudsAreConvertedOnWriteAndBack() throws IOException {
        GaussianCloud rdf = SplatTestSupport.randomCloud(8, 20, 2);
        Path file = TestData.out("gltf-roundtrip").resolve("from_rdf.glb");
        SplatIO.write(rdf, file, SplatFrame.RDF);
        GaussianCloud inFile = SplatIO.read(file, null, null);
        for (int i = 0; i < 20; i++) {
            assertEquals(rdf.positions()[i * 3], inFile.positions()[i * 3], 0);
            assertEquals(-rdf.positions()[i * 3 + 1], inFile.positions()[i * 3 + 1], 0, "glTF is y-up");
            assertEquals(-rdf.positions()[i * 3 + 2], inFile.positions()[i * 3 + 2], 0);
        }
        GaussianCloud back = SplatIO.read(file, null, SplatFrame.RDF);
        assertArrayEquals(rdf.positions(), back.positions(), 1e-6f);
        assertArrayEquals(rdf.sh(), back.sh(), 1e-4f);
    }

    @Test
    void emptyCloudIsRefusedAndTheOldFileKept() throws IOException {
        Path file = TestData.out("gltf-roundtrip").resolve("keep.glb");
        SplatIO.write(SplatTestSupport.randomCloud(9, 3, 0), file);
        byte[] before = Files.readAllBytes(file);
        IOException e = assertThrows(IOException.class, () -> SplatIO.write(new GaussianCloud(0, 0), file));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void conformanceFileSurvivesARoundTrip() throws IOException {
        GaussianCloud c = SplatIO.read(TestData.splat(GltfSplatFormatTest.CONFORMANCE));
        Path file = TestData.out("gltf-roundtrip").resolve("conformance_copy.glb");
        SplatIO.write(c, file);
        GaussianCloud back = SplatIO.read(file);
        assertArrayEquals(c.positions(), back.positions());
        assertArrayEquals(c.sh(), back.sh());
        assertArrayEquals(c.opacities(), back.opacities());
        assertArrayEquals(c.scales(), back.scales(), 1e-5f * 60);
    }
}
