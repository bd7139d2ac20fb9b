package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reading {@code KHR_gaussian_splatting} .glb files: the real conformance file (15 one-splat meshes in every
 * encoding the extension allows), decoded independently here from its JSON and BIN with a ByteBuffer, and
 * synthetic files built by {@link Glb} for node transforms, strides, instancing and fallbacks.
 */
class GltfSplatFormatTest {
    static final String CONFORMANCE = "khr_gaussian_splatting_conformance.glb";
    static final String P = "KHR_gaussian_splatting:";

    // ------------------------------------------------------------------ the conformance file

    /** The file as the test sees it: JSON root and BIN chunk, found with plain ByteBuffer reads. */
    static final class RawGlb {
        final JsonObject root;
        final ByteBuffer bin;

        RawGlb(byte[] data) {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x46546C67, b.getInt(0));
            int jsonLen = b.getInt(12);
            root = JsonParser.parseString(new String(data, 20, jsonLen, StandardCharsets.UTF_8)).getAsJsonObject();
            int binLen = b.getInt(20 + jsonLen);
            assertEquals(0x004E4942, b.getInt(24 + jsonLen));
            bin = ByteBuffer.wrap(data, 28 + jsonLen, binLen).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        JsonObject attributes(int mesh) {
            return root.getAsJsonArray("meshes").get(mesh).getAsJsonObject().getAsJsonArray("primitives").get(0)
                    .getAsJsonObject().getAsJsonObject("attributes");
        }

        String colorSpace(int mesh) {
            return root.getAsJsonArray("meshes").get(mesh).getAsJsonObject().getAsJsonArray("primitives").get(0)
                    .getAsJsonObject().getAsJsonObject("extensions").getAsJsonObject("KHR_gaussian_splatting")
                    .get("colorSpace").getAsString();
        }

        /** Element 0 of an attribute of a mesh, values per the glTF normalisation rules. */
        double[] value(int mesh, String semantic) {
            int ai = attributes(mesh).get(semantic).getAsInt();
            JsonObject a = root.getAsJsonArray("accessors").get(ai).getAsJsonObject();
            JsonObject v = root.getAsJsonArray("bufferViews").get(a.get("bufferView").getAsInt()).getAsJsonObject();
            int at = v.get("byteOffset").getAsInt() + (a.has("byteOffset") ? a.get("byteOffset").getAsInt() : 0);
            int n = switch (a.get("type").getAsString()) {
                case "SCALAR" -> 1;
                case "VEC3" -> 3;
                case "VEC4" -> 4;
                default -> throw new AssertionError(a);
            };
            boolean norm = a.has("normalized") && a.get("normalized").getAsBoolean();
            double[] out = new double[n];
            for (int c = 0; c < n; c++) {
                out[c] = switch (a.get("componentType").getAsInt()) {
                    case 5126 -> bin.getFloat(at + 4 * c);
                    case 5120 -> norm ? Math.max(bin.get(at + c) / 127.0, -1) : bin.get(at + c);
                    case 5121 -> norm ? (bin.get(at + c) & 0xFF) / 255.0 : bin.get(at + c) & 0xFF;
                    case 5122 -> norm ? Math.max(bin.getShort(at + 2 * c) / 32767.0, -1) : bin.getShort(at + 2 * c);
                    case 5123 -> (bin.getShort(at + 2 * c) & 0xFFFF) / (norm ? 65535.0 : 1);
                    default -> throw new AssertionError(a);
                };
            }
            return out;
        }
    }

    /** The sRGB transfer function, written out for the test (linear below 0.0031308). */
    static double srgb(double v) {
        return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
    }

    /** Numerical derivative of {@link #srgb}. */
    static double srgbSlope(double v) {
        double h = 1e-6;
        return (srgb(v + h) - srgb(v - h)) / (2 * h);
    }

    @Test
    void conformanceFileLoadsAllFifteenSplatsWithTheirEncodings() throws IOException {
        byte[] data = Files.readAllBytes(TestData.splat(CONFORMANCE));
        RawGlb raw = new RawGlb(data);
        // the file follows the January 2026 draft (log scales, signed types): the reader must say so and exp them
        List<String> warnings = new ArrayList<>();
        GaussianCloud c = withWarnings(warnings, () -> SplatIO.read(TestData.splat(CONFORMANCE)));
        assertTrue(warnings.stream().anyMatch(w -> w.contains(CONFORMANCE) && w.contains("January 2026 draft")),
                warnings.toString());
        assertEquals(15, c.size());
        assertEquals(3, c.shDegree());
        assertEquals(c, SplatIO.read(TestData.splat(CONFORMANCE), null, null), "glTF is already in jME's frame");
        int k = c.shCoefficients();
        float[] sh = c.sh();
        for (int i = 0; i < 15; i++) {
            String what = "mesh " + i;
            double[] pos = raw.value(i, "POSITION");
            double[] q = raw.value(i, P + "ROTATION");
            double[] s = raw.value(i, P + "SCALE");
            double qn = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
            for (int j = 0; j < 3; j++) {
                assertEquals(pos[j], c.positions()[i * 3 + j], 1e-6, what + " position");
                assertEquals(Math.exp(s[j]), c.scales()[i * 3 + j], 1e-5 * Math.exp(s[j]), what + " scale");
            }
            // file xyzw → cloud wxyz
            assertEquals(q[3] / qn, c.rotations()[i * 4], 1e-6, what + " w");
            for (int j = 0; j < 3; j++) {
                assertEquals(q[j] / qn, c.rotations()[i * 4 + 1 + j], 1e-6, what + " rotation");
            }
            assertEquals(raw.value(i, P + "OPACITY")[0], c.opacities()[i], 1e-6, what + " opacity");
            boolean linear = raw.colorSpace(i).equals("lin_rec709_display");
            double[] dc = raw.value(i, P + "SH_DEGREE_0_COEF_0");
            double[] slope = new double[3];
            for (int ch = 0; ch < 3; ch++) {
                double base = 0.5 + SplatTestSupport.C0 * dc[ch];
                double want = linear ? srgb(base) : base;
                slope[ch] = linear ? srgbSlope(base) : 1;
                assertEquals(want, 0.5 + SplatTestSupport.C0 * sh[i * k * 3 + ch], 1e-5, what + " colour " + ch);
            }
            for (int l = 1; l <= 3; l++) {
                for (int n = 0; n <= 2 * l; n++) {
                    String sem = P + "SH_DEGREE_" + l + "_COEF_" + n;
                    boolean has = raw.attributes(i).has(sem);
                    double[] v = has ? raw.value(i, sem) : new double[3];
                    for (int ch = 0; ch < 3; ch++) {
                        assertEquals(v[ch] * slope[ch], sh[(i * k + l * l + n) * 3 + ch],
                                1e-4 * (1 + Math.abs(v[ch])), what + " " + sem + " channel " + ch);
                    }
                }
            }
        }
    }

    @Test
    void conformanceEncodingsDecodeToTheValuesWorkedOutByHand() throws IOException {
        GaussianCloud c = SplatIO.read(TestData.splat(CONFORMANCE));
        float[] r = c.rotations();
        float[] s = c.scales();
        // meshes 0..2: f32 (1,0,0,0), i8 (127,0,0,0)/127, i16 (32767,0,0,0)/32767, all xyzw: x = 1,
        // i.e. w,x,y,z = 0,1,0,0
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new float[] {0, 1, 0, 0}, java.util.Arrays.copyOfRange(r, i * 4, i * 4 + 4), 1e-7f,
                    "rotation of mesh " + i);
        }
        // mesh 3: f32 log scales (0.2, -0.1, 0.7); mesh 4: i8 (1, -2, 3) as integers; 5/7: normalised ±1 → e, 1, 1/e
        assertArrayEquals(new float[] {(float) Math.exp(0.2), (float) Math.exp(-0.1), (float) Math.exp(0.7)},
                java.util.Arrays.copyOfRange(s, 9, 12), 1e-6f);
        assertArrayEquals(new float[] {(float) Math.E, (float) Math.exp(-2), (float) Math.exp(3)},
                java.util.Arrays.copyOfRange(s, 12, 15), 1e-5f);
        float[] eOneInvE = {(float) Math.E, 1f, (float) (1 / Math.E)};
        assertArrayEquals(eOneInvE, java.util.Arrays.copyOfRange(s, 15, 18), 1e-6f, "i8 normalised");
        assertArrayEquals(new float[] {(float) Math.exp(2), (float) Math.exp(-3), (float) Math.exp(4)},
                java.util.Arrays.copyOfRange(s, 18, 21), 1e-4f, "i16");
        assertArrayEquals(eOneInvE, java.util.Arrays.copyOfRange(s, 21, 24), 1e-6f, "i16 normalised");
        // opacity: f32 0.25 (mesh 0), f32 0.75 (mesh 8), u8 64/255 (9), u16 16384/65535 (10)
        assertEquals(0.25f, c.opacities()[0]);
        assertEquals(0.75f, c.opacities()[8]);
        assertEquals(64 / 255.0, c.opacities()[9], 1e-7);
        assertEquals(16384 / 65535.0, c.opacities()[10], 1e-7);
        // mesh 3 is srgb_rec709_display: its DC is copied as is
        int k = c.shCoefficients();
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, java.util.Arrays.copyOfRange(c.sh(), 3 * k * 3,
                3 * k * 3 + 3));
        // every mesh sits at (1, 2, 3): all the nodes are untransformed
        for (int i = 0; i < 15; i++) {
            assertArrayEquals(new float[] {1, 2, 3}, java.util.Arrays.copyOfRange(c.positions(), i * 3, i * 3 + 3));
        }
    }

    @Test
    void linearColourSpaceConversionMatchesTheSrgbCurve() {
        // an exactly known case: DC so that the linear base colour is 0.2 / 0.5 / 0.0001
        GaussianCloud c = new GaussianCloud(1, 1);
        double[] base = {0.2, 0.5, 0.0001};
        for (int ch = 0; ch < 3; ch++) {
            c.sh()[ch] = (float) ((base[ch] - 0.5) / SplatTestSupport.C0);
            c.sh()[3 + ch] = 0.1f * (ch + 1);
        }
        GltfSplatFormat.linearToSrgb(c);
        double[] want = {0.4845292, 0.7353570, 0.001292}; // 1.055·0.2^(1/2.4) − 0.055, same for 0.5, 12.92·0.0001
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(want[ch], 0.5 + SplatTestSupport.C0 * c.sh()[ch], 2e-6, "base colour " + ch);
            assertEquals(0.1 * (ch + 1) * srgbSlope(base[ch]), c.sh()[3 + ch], 1e-5, "band 1, channel " + ch);
        }
    }

    // ------------------------------------------------------------------ a builder for synthetic files

    /** Builds .glb files from a JSON root and a BIN chunk; every mutator returns the index it created. */
    static final class Glb {
        final JsonObject root = new JsonObject();
        final ByteArrayOutputStream bin = new ByteArrayOutputStream();

        Glb() {
            JsonObject asset = new JsonObject();
            asset.addProperty("version", "2.0");
            root.add("asset", asset);
            JsonArray used = new JsonArray();
            used.add("KHR_gaussian_splatting");
            root.add("extensionsUsed", used);
            for (String a : new String[] {"buffers", "bufferViews", "accessors", "meshes", "nodes", "scenes"}) {
                root.add(a, new JsonArray());
            }
        }

        JsonArray arr(String name) {
            return root.getAsJsonArray(name);
        }

        /** Appends raw bytes as a new buffer view (4-byte aligned), optionally with a stride. */
        int view(byte[] bytes, int stride) {
            while (bin.size() % 4 != 0) {
                bin.write(0);
            }
            JsonObject v = new JsonObject();
            v.addProperty("buffer", 0);
            v.addProperty("byteOffset", bin.size());
            v.addProperty("byteLength", bytes.length);
            if (stride > 0) {
                v.addProperty("byteStride", stride);
            }
            bin.writeBytes(bytes);
            arr("bufferViews").add(v);
            return arr("bufferViews").size() - 1;
        }

        int accessor(int view, int offset, int componentType, String type, int count, boolean normalized) {
            JsonObject a = new JsonObject();
            a.addProperty("bufferView", view);
            if (offset != 0) {
                a.addProperty("byteOffset", offset);
            }
            a.addProperty("componentType", componentType);
            a.addProperty("type", type);
            a.addProperty("count", count);
            if (normalized) {
                a.addProperty("normalized", true);
            }
            arr("accessors").add(a);
            return arr("accessors").size() - 1;
        }

        int floats(String type, float... values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putFloat(v);
            }
            int comps = switch (type) {
                case "SCALAR" -> 1;
                case "VEC3" -> 3;
                default -> 4;
            };
            return accessor(view(b.array(), 0), 0, 5126, type, values.length / comps, false);
        }

        /**
         * A splat primitive (float attributes, linear scales as the current text has them; sh[k] holds coefficient
         * k as rgb per splat) as a JSON object.
         */
        JsonObject splatPrimitive(float[] pos, float[] rotXyzw, float[] scale, float[] opacity, float[][] sh,
                String colorSpace) {
            JsonObject attrs = new JsonObject();
            attrs.addProperty("POSITION", floats("VEC3", pos));
            attrs.addProperty(P + "ROTATION", floats("VEC4", rotXyzw));
            attrs.addProperty(P + "SCALE", floats("VEC3", scale));
            attrs.addProperty(P + "OPACITY", floats("SCALAR", opacity));
            for (int j = 0; j < sh.length; j++) {
                int l = (int) Math.floor(Math.sqrt(j));
                attrs.addProperty(P + "SH_DEGREE_" + l + "_COEF_" + (j - l * l), floats("VEC3", sh[j]));
            }
            JsonObject ext = new JsonObject();
            ext.addProperty("kernel", "ellipse");
            ext.addProperty("colorSpace", colorSpace);
            JsonObject exts = new JsonObject();
            exts.add("KHR_gaussian_splatting", ext);
            JsonObject p = new JsonObject();
            p.add("attributes", attrs);
            p.addProperty("mode", 0);
            p.add("extensions", exts);
            return p;
        }

        int mesh(JsonObject... primitives) {
            JsonObject m = new JsonObject();
            JsonArray ps = new JsonArray();
            for (JsonObject p : primitives) {
                ps.add(p);
            }
            m.add("primitives", ps);
            arr("meshes").add(m);
            return arr("meshes").size() - 1;
        }

        /** A mesh with one splat primitive holding the splats of {@code c} (rotations converted to xyzw). */
        int mesh(GaussianCloud c, String colorSpace) {
            int n = c.size();
            int k = c.shCoefficients();
            float[] q = new float[n * 4];
            float[] ls = new float[n * 3];
            float[][] sh = new float[k][n * 3];
            for (int i = 0; i < n; i++) {
                q[i * 4] = c.rotations()[i * 4 + 1];
                q[i * 4 + 1] = c.rotations()[i * 4 + 2];
                q[i * 4 + 2] = c.rotations()[i * 4 + 3];
                q[i * 4 + 3] = c.rotations()[i * 4];
                for (int j = 0; j < 3; j++) {
                    ls[i * 3 + j] = c.scales()[i * 3 + j];
                }
                for (int j = 0; j < k; j++) {
                    System.arraycopy(c.sh(), (i * k + j) * 3, sh[j], i * 3, 3);
                }
            }
            return mesh(splatPrimitive(c.positions(), q, ls, c.opacities(), sh, colorSpace));
        }

        int node(JsonObject node) {
            arr("nodes").add(node);
            return arr("nodes").size() - 1;
        }

        int meshNode(int mesh) {
            JsonObject n = new JsonObject();
            n.addProperty("mesh", mesh);
            return node(n);
        }

        void scene(int... roots) {
            JsonObject s = new JsonObject();
            JsonArray ns = new JsonArray();
            for (int r : roots) {
                ns.add(r);
            }
            s.add("nodes", ns);
            arr("scenes").add(s);
        }

        byte[] build() {
            while (bin.size() % 4 != 0) {
                bin.write(0);
            }
            if (arr("buffers").isEmpty()) {
                JsonObject b = new JsonObject();
                b.addProperty("byteLength", bin.size());
                arr("buffers").add(b);
            }
            return glb(root.toString(), bin.toByteArray());
        }

        /** A .glb from JSON text and BIN bytes (null: no BIN chunk), padded as the spec says. */
        static byte[] glb(String json, byte[] bin) {
            byte[] j = json.getBytes(StandardCharsets.UTF_8);
            int jl = (j.length + 3) & ~3;
            int bl = bin == null ? 0 : (bin.length + 3) & ~3;
            int total = 12 + 8 + jl + (bin == null ? 0 : 8 + bl);
            ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0x46546C67).putInt(2).putInt(total).putInt(jl).putInt(0x4E4F534A).put(j);
            while (b.position() < 20 + jl) {
                b.put((byte) ' ');
            }
            if (bin != null) {
                b.putInt(bl).putInt(0x004E4942).put(bin);
            }
            return b.array();
        }
    }

    static GaussianCloud read(byte[] glb) throws IOException {
        return new GltfSplatFormat().read(glb, "test.glb");
    }

    /** Colour of splat {@code i} seen from unit direction {@code d}, from the SH basis. */
    static double[] colour(GaussianCloud c, int i, double[] d) {
        int k = c.shCoefficients();
        double[] b = new double[16];
        SphericalHarmonics.basis(c.shDegree(), d[0], d[1], d[2], b);
        double[] rgb = new double[3];
        for (int ch = 0; ch < 3; ch++) {
            rgb[ch] = 0.5;
            for (int j = 0; j < k; j++) {
                rgb[ch] += b[j] * c.sh()[(i * k + j) * 3 + ch];
            }
        }
        return rgb;
    }

    /** Row-major 3×3 rotation matrix of a w,x,y,z quaternion. */
    static double[] rot(double w, double x, double y, double z) {
        return new double[] {1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
    }

    static double[] mul(double[] m, double[] v) {
        return new double[] {m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
            m[6] * v[0] + m[7] * v[1] + m[8] * v[2]};
    }

    /** Covariance R S² Rᵀ of splat i, row-major. */
    static double[] covariance(GaussianCloud c, int i) {
        float[] q = c.rotations();
        double[] r = rot(q[i * 4], q[i * 4 + 1], q[i * 4 + 2], q[i * 4 + 3]);
        double[] out = new double[9];
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double v = 0;
                for (int j = 0; j < 3; j++) {
                    double s = c.scales()[i * 3 + j];
                    v += r[a * 3 + j] * s * s * r[b * 3 + j];
                }
                out[a * 3 + b] = v;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ node transforms

    @Test
    void nodeTrsMovesTurnsAndScalesSplatsAndTheirShading() throws IOException {
        GaussianCloud src = SplatTestSupport.randomCloud(11, 5, 3);
        Glb g = new Glb();
        int mesh = g.mesh(src, "srgb_rec709_display");
        JsonObject node = new JsonObject();
        node.addProperty("mesh", mesh);
        double h = Math.sqrt(0.5);
        node.add("translation", json(1, 2, 3));
        node.add("rotation", json(0, h, 0, h)); // 90° about +Y (xyzw)
        node.add("scale", json(2, 2, 2));
        g.scene(g.node(node));
        GaussianCloud c = read(g.build());
        assertEquals(5, c.size());
        double[] ry = {0, 0, 1, 0, 1, 0, -1, 0, 0}; // R_y(90°): x → −z, z → x
        for (int i = 0; i < 5; i++) {
            double[] p = {src.positions()[i * 3], src.positions()[i * 3 + 1], src.positions()[i * 3 + 2]};
            double[] rp = mul(ry, p);
            for (int j = 0; j < 3; j++) {
                assertEquals(new double[] {1, 2, 3}[j] + 2 * rp[j], c.positions()[i * 3 + j], 1e-4, "position");
            }
            // covariance: 4 · R Σ Rᵀ
            double[] s0 = covariance(src, i);
            double[] s1 = covariance(c, i);
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    double want = 0;
                    for (int x = 0; x < 3; x++) {
                        for (int y = 0; y < 3; y++) {
                            want += ry[a * 3 + x] * s0[x * 3 + y] * ry[b * 3 + y];
                        }
                    }
                    assertEquals(4 * want, s1[a * 3 + b], 1e-5 + 1e-4 * Math.abs(want), "covariance");
                }
            }
            assertEquals(src.opacities()[i], c.opacities()[i]);
            // colour seen from world direction R·d equals the original from d
            Random r = new Random(i);
            for (int t = 0; t < 5; t++) {
                double[] d = unit(r);
                assertArrayEquals(colour(src, i, d), colour(c, i, mul(ry, d)), 1e-3, "view-dependent colour");
            }
        }
    }

    @Test
    void nestedMatrixAndTrsNodesCompose() throws IOException {
        GaussianCloud src = SplatTestSupport.randomCloud(12, 3, 1);
        Glb g = new Glb();
        int mesh = g.mesh(src, "srgb_rec709_display");
        JsonObject child = new JsonObject();
        child.addProperty("mesh", mesh);
        child.add("translation", json(0, 0, 5));
        int ci = g.node(child);
        JsonObject parent = new JsonObject();
        // column-major: 180° about Z (x → −x, y → −y), uniform scale 3, translation (10, 0, 0)
        parent.add("matrix", json(-3, 0, 0, 0, 0, -3, 0, 0, 0, 0, 3, 0, 10, 0, 0, 1));
        JsonArray kids = new JsonArray();
        kids.add(ci);
        parent.add("children", kids);
        g.scene(g.node(parent));
        GaussianCloud c = read(g.build());
        for (int i = 0; i < 3; i++) {
            float x = src.positions()[i * 3], y = src.positions()[i * 3 + 1], z = src.positions()[i * 3 + 2];
            assertEquals(10 - 3 * x, c.positions()[i * 3], 1e-4);
            assertEquals(-3 * y, c.positions()[i * 3 + 1], 1e-4);
            assertEquals(3 * (z + 5), c.positions()[i * 3 + 2], 1e-4);
            for (int j = 0; j < 3; j++) {
                assertEquals(3 * src.scales()[i * 3 + j], c.scales()[i * 3 + j], 1e-6);
            }
        }
    }

    @Test
    void mirroringNodeReflectsPositionsShapesAndShading() throws IOException {
        GaussianCloud src = SplatTestSupport.randomCloud(13, 4, 2);
        Glb g = new Glb();
        int mesh = g.mesh(src, "srgb_rec709_display");
        JsonObject node = new JsonObject();
        node.addProperty("mesh", mesh);
        node.add("scale", json(-1, 1, 1));
        g.scene(g.node(node));
        GaussianCloud c = read(g.build());
        double[] mx = {-1, 0, 0, 0, 1, 0, 0, 0, 1};
        for (int i = 0; i < 4; i++) {
            assertEquals(-src.positions()[i * 3], c.positions()[i * 3], 1e-6);
            assertEquals(src.positions()[i * 3 + 1], c.positions()[i * 3 + 1], 1e-6);
            double[] s0 = covariance(src, i);
            double[] s1 = covariance(c, i);
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    assertEquals(mx[a * 4] * mx[b * 4] * s0[a * 3 + b], s1[a * 3 + b], 1e-6, "mirrored covariance");
                }
            }
            Random r = new Random(i);
            for (int t = 0; t < 5; t++) {
                double[] d = unit(r);
                assertArrayEquals(colour(src, i, d), colour(c, i, mul(mx, d)), 1e-3, "mirrored colour");
            }
        }
    }

    @Test
    void meshesUsedTwiceAndSeveralPrimitivesAreConcatenatedInSceneOrder() throws IOException {
        GaussianCloud a = SplatTestSupport.randomCloud(21, 2, 0);
        GaussianCloud b = SplatTestSupport.randomCloud(22, 3, 2);
        Glb g = new Glb();
        int ma = g.mesh(a, "srgb_rec709_display");
        JsonObject pb = g.arr("meshes").get(g.mesh(b, "srgb_rec709_display")).getAsJsonObject()
                .getAsJsonArray("primitives").get(0).getAsJsonObject();
        // mesh with an ordinary triangle primitive first and the splats of b second
        JsonObject tri = new JsonObject();
        JsonObject triAttrs = new JsonObject();
        triAttrs.addProperty("POSITION", g.floats("VEC3", 0, 0, 0, 1, 0, 0, 0, 1, 0));
        tri.add("attributes", triAttrs);
        int mixed = g.mesh(tri, pb);
        JsonObject moved = new JsonObject();
        moved.addProperty("mesh", ma);
        moved.add("translation", json(0, 100, 0));
        g.scene(g.meshNode(ma), g.meshNode(mixed), g.node(moved));
        GaussianCloud c = read(g.build());
        assertEquals(2 + 3 + 2, c.size());
        assertEquals(2, c.shDegree());
        int k = c.shCoefficients();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(a.positions()[i * 3 + j], c.positions()[i * 3 + j]);
                assertEquals(a.positions()[i * 3 + j] + (j == 1 ? 100 : 0), c.positions()[(5 + i) * 3 + j], 1e-4);
                assertEquals(a.sh()[i * 3 + j], c.sh()[i * k * 3 + j], "DC of the degree-0 piece");
            }
            for (int j = 3; j < k * 3; j++) {
                assertEquals(0f, c.sh()[i * k * 3 + j], "missing bands are zero");
            }
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(b.sh(), i * k * 3, (i + 1) * k * 3),
                    java.util.Arrays.copyOfRange(c.sh(), (2 + i) * k * 3, (3 + i) * k * 3));
        }
    }

    // ------------------------------------------------------------------ layouts and fallbacks

    @Test
    void interleavedStridedAndQuantisedAttributesDecode() throws IOException {
        // two splats; one view interleaves position (f32×3, offset 0) and rotation (i16 normalised ×4, offset 12),
        // stride 20; scale is i8 (not normalised: signed, so the January 2026 draft's log scales) and opacity u8
        // normalised
        ByteBuffer v = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        float[][] pos = {{1, 2, 3}, {-4, 5, -6}};
        short[][] rot = {{0, 0, 0, 32767}, {-32767, 0, 0, 0}};
        for (int i = 0; i < 2; i++) {
            v.putFloat(pos[i][0]).putFloat(pos[i][1]).putFloat(pos[i][2]);
            for (short s : rot[i]) {
                v.putShort(s);
            }
        }
        Glb g = new Glb();
        int view = g.view(v.array(), 20);
        JsonObject attrs = new JsonObject();
        attrs.addProperty("POSITION", g.accessor(view, 0, 5126, "VEC3", 2, false));
        attrs.addProperty(P + "ROTATION", g.accessor(view, 12, 5122, "VEC4", 2, true));
        attrs.addProperty(P + "SCALE", g.accessor(g.view(new byte[] {-1, 0, 1, -2, 2, 3}, 0), 0, 5120, "VEC3",
                2, false));
        attrs.addProperty(P + "OPACITY", g.accessor(g.view(new byte[] {(byte) 255, 51}, 0), 0, 5121, "SCALAR", 2,
                true));
        attrs.addProperty(P + "SH_DEGREE_0_COEF_0", g.floats("VEC3", 0, 0, 0, 1, 1, 1));
        JsonObject ext = new JsonObject();
        ext.addProperty("kernel", "ellipse");
        ext.addProperty("colorSpace", "srgb_rec709_display");
        JsonObject exts = new JsonObject();
        exts.add("KHR_gaussian_splatting", ext);
        JsonObject p = new JsonObject();
        p.add("attributes", attrs);
        p.addProperty("mode", 0);
        p.add("extensions", exts);
        g.scene(g.meshNode(g.mesh(p)));
        GaussianCloud c = read(g.build());
        assertArrayEquals(new float[] {1, 2, 3, -4, 5, -6}, c.positions());
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, -1, 0, 0}, c.rotations(), 1e-7f);
        assertArrayEquals(new float[] {(float) Math.exp(-1), 1, (float) Math.E, (float) Math.exp(-2),
            (float) Math.exp(2), (float) Math.exp(3)}, c.scales(), 1e-5f);
        assertArrayEquals(new float[] {1f, 51 / 255f}, c.opacities(), 1e-7f);
    }

    @Test
    void the2024DraftsUnderscoreAttributesAndColour0AreReadWithThatDraftsRules() throws IOException {
        Glb g = new Glb();
        JsonObject attrs = new JsonObject();
        attrs.addProperty("POSITION", g.floats("VEC3", 0, 0, 0));
        attrs.addProperty("_ROTATION", g.floats("VEC4", 0, 0, 0, 1));
        attrs.addProperty("_SCALE", g.floats("VEC3", 0.5f, 0.25f, 2f));
        attrs.addProperty("COLOR_0", g.accessor(g.view(new byte[] {(byte) 255, 0, (byte) 128, 64}, 0), 0, 5121,
                "VEC4", 1, true));
        JsonObject exts = new JsonObject();
        exts.add("KHR_gaussian_splatting", new JsonObject());
        JsonObject p = new JsonObject();
        p.add("attributes", attrs);
        p.addProperty("mode", 0);
        p.add("extensions", exts);
        g.scene(g.meshNode(g.mesh(p)));
        List<String> warnings = new ArrayList<>();
        GaussianCloud c = withWarnings(warnings, () -> read(g.build()));
        double[] rgb = colour(c, 0, new double[] {0, 0, 1});
        assertArrayEquals(new double[] {1, 0, 128 / 255.0}, rgb, 1e-6);
        assertEquals(64 / 255f, c.opacities()[0], 1e-7f);
        assertArrayEquals(new float[] {0.5f, 0.25f, 2f}, c.scales(), "the 2024 draft's scales are linear");
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("test.glb: ") && w.contains("2024 draft")),
                warnings.toString());
    }

    @Test
    void currentScalesAreLinearInFloatAndUnsignedEncodings() throws IOException {
        Glb g = new Glb();
        float[][] sh = {{0.1f, 0.2f, 0.3f, 0.1f, 0.2f, 0.3f}};
        g.scene(g.meshNode(g.mesh(g.splatPrimitive(new float[] {0, 0, 0, 1, 1, 1}, new float[] {0, 0, 0, 1, 0, 0,
            0, 1}, new float[] {0.01f, 0.5f, 3f, 0f, 1f, 2f}, new float[] {0.5f, 1f}, sh, "srgb_rec709_display"))));
        List<String> warnings = new ArrayList<>();
        GaussianCloud c = withWarnings(warnings, () -> read(g.build()));
        assertArrayEquals(new float[] {0.01f, 0.5f, 3f, 0f, 1f, 2f}, c.scales(), "linear, as stored");
        assertEquals(List.of(), warnings);
        // u8 (not normalised) and u16 normalised scales: linear too
        Glb q = new Glb();
        JsonObject prim = q.splatPrimitive(new float[] {0, 0, 0}, new float[] {0, 0, 0, 1}, new float[] {1, 1, 1},
                new float[] {1}, new float[][] {{0, 0, 0}}, "srgb_rec709_display");
        prim.getAsJsonObject("attributes").addProperty(P + "SCALE", q.accessor(q.view(new byte[] {2, 0, 7, 0}, 0), 0,
                5121, "VEC3", 1, false));
        q.scene(q.meshNode(q.mesh(prim)));
        assertArrayEquals(new float[] {2, 0, 7}, read(q.build()).scales());
        Glb u = new Glb();
        JsonObject prim16 = u.splatPrimitive(new float[] {0, 0, 0}, new float[] {0, 0, 0, 1}, new float[] {1, 1, 1},
                new float[] {1}, new float[][] {{0, 0, 0}}, "srgb_rec709_display");
        prim16.getAsJsonObject("attributes").addProperty(P + "SCALE", u.accessor(u.view(new byte[] {(byte) 0xFF,
            (byte) 0xFF, 0, 0, 0, (byte) 0x80, 0, 0}, 0), 0, 5123, "VEC3", 1, true));
        u.scene(u.meshNode(u.mesh(prim16)));
        assertArrayEquals(new float[] {1f, 0f, 32768 / 65535f}, read(u.build()).scales(), 1e-7f);
    }

    @Test
    void aNegativeScaleAnywhereMarksTheWholeFileAsTheLogScaleDraft() throws IOException {
        // two meshes: the first alone would be linear, the second's -0.5 can only be a log
        Glb g = new Glb();
        float[][] sh = {{0, 0, 0}};
        int a = g.mesh(g.splatPrimitive(new float[] {0, 0, 0}, new float[] {0, 0, 0, 1}, new float[] {0.5f, 1f, 2f},
                new float[] {1}, sh, "srgb_rec709_display"));
        int b = g.mesh(g.splatPrimitive(new float[] {0, 0, 0}, new float[] {0, 0, 0, 1}, new float[] {-0.5f, 0f,
            1f}, new float[] {1}, sh, "srgb_rec709_display"));
        g.scene(g.meshNode(a), g.meshNode(b));
        List<String> warnings = new ArrayList<>();
        GaussianCloud c = withWarnings(warnings, () -> read(g.build()));
        float[] want = {(float) Math.exp(0.5), (float) Math.E, (float) Math.exp(2), (float) Math.exp(-0.5), 1f,
            (float) Math.E};
        assertArrayEquals(want, c.scales(), 1e-6f);
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("test.glb: read as the January 2026 draft")
                && w.contains("meshes[1].primitives[0].attributes.KHR_gaussian_splatting:SCALE holds negative")),
                warnings.toString());
    }

    @Test
    void requiredPropertiesAndValueRangesOfTheCurrentTextAreEnforced() {
        float[][] sh = {{0, 0, 0}};
        java.util.function.Function<java.util.function.Consumer<JsonObject>, String> fail = edit -> {
            Glb g = new Glb();
            JsonObject prim = g.splatPrimitive(new float[] {0, 0, 0}, new float[] {0, 0, 0, 1},
                    new float[] {1, 1, 1}, new float[] {1}, sh, "srgb_rec709_display");
            edit.accept(prim);
            g.scene(g.meshNode(g.mesh(prim)));
            return assertThrows(IOException.class, () -> read(g.build())).getMessage();
        };
        assertEquals("test.glb: meshes[0].primitives[0].extensions.KHR_gaussian_splatting has no kernel, which "
                + "KHR_gaussian_splatting requires (\"ellipse\")", fail.apply(p -> ext(p).remove("kernel")));
        assertTrue(fail.apply(p -> ext(p).remove("colorSpace")).contains("has no colorSpace, which"));
        assertEquals("test.glb: meshes[0].primitives[0].attributes has no "
                + "KHR_gaussian_splatting:SH_DEGREE_0_COEF_0",
                fail.apply(p -> p.getAsJsonObject("attributes").remove(P + "SH_DEGREE_0_COEF_0")));
        assertEquals("test.glb: meshes[0].primitives[0].attributes has no KHR_gaussian_splatting:OPACITY",
                fail.apply(p -> p.getAsJsonObject("attributes").remove(P + "OPACITY")));
        Glb g = new Glb();
        g.scene(g.meshNode(g.mesh(g.splatPrimitive(new float[] {0, 0, 0, 1, 1, 1}, new float[] {0, 0, 0, 1, 0, 0,
            0, 1}, new float[] {1, 1, 1, 1, 1, 1}, new float[] {0.5f, 1.5f}, new float[][] {{0, 0, 0, 0, 0, 0}},
            "srgb_rec709_display"))));
        assertEquals("test.glb: meshes[0].primitives[0].attributes.KHR_gaussian_splatting:OPACITY element 1 is 1.5;"
                + " opacity must lie in [0, 1]", assertThrows(IOException.class, () -> read(g.build())).getMessage());
    }

    private static JsonObject ext(JsonObject prim) {
        return prim.getAsJsonObject("extensions").getAsJsonObject("KHR_gaussian_splatting");
    }

    /** Runs {@code body} with the reader's log records collected as "message with parameters" strings. */
    static <T> T withWarnings(List<String> into, java.util.concurrent.Callable<T> body) throws IOException {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(GltfSplatFormat.class.getName());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    into.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(h);
        try {
            return body.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            log.removeHandler(h);
        }
    }

    @Test
    void dataUriBuffersAreRead() throws IOException {
        GaussianCloud src = SplatTestSupport.randomCloud(31, 3, 1);
        Glb g = new Glb();
        g.scene(g.meshNode(g.mesh(src, "srgb_rec709_display")));
        g.build();
        JsonObject b = g.arr("buffers").get(0).getAsJsonObject();
        b.addProperty("uri", "data:application/octet-stream;base64,"
                + Base64.getEncoder().encodeToString(g.bin.toByteArray()));
        GaussianCloud c = read(Glb.glb(g.root.toString(), null));
        assertArrayEquals(src.positions(), c.positions());
        assertArrayEquals(src.sh(), c.sh());
    }

    @Test
    void fileWithoutScenesUsesItsRootNodes() throws IOException {
        GaussianCloud src = SplatTestSupport.randomCloud(32, 2, 0);
        Glb g = new Glb();
        int mesh = g.mesh(src, "srgb_rec709_display");
        JsonObject child = new JsonObject();
        child.addProperty("mesh", mesh);
        child.add("translation", json(0, 0, 1));
        int ci = g.node(child);
        JsonObject parent = new JsonObject();
        JsonArray kids = new JsonArray();
        kids.add(ci);
        parent.add("children", kids);
        g.node(parent);
        g.root.remove("scenes");
        GaussianCloud c = read(g.build());
        assertEquals(2, c.size(), "the child is reached once, through its parent");
        assertEquals(src.positions()[2] + 1, c.positions()[2], 1e-6);
    }

    @Test
    void noSplatPrimitivesIsAnErrorThatSaysSo() {
        Glb g = new Glb();
        JsonObject tri = new JsonObject();
        JsonObject attrs = new JsonObject();
        attrs.addProperty("POSITION", g.floats("VEC3", 0, 0, 0, 1, 0, 0, 0, 1, 0));
        tri.add("attributes", attrs);
        g.scene(g.meshNode(g.mesh(tri)));
        IOException e = assertThrows(IOException.class, () -> read(g.build()));
        assertEquals("test.glb: has no KHR_gaussian_splatting primitives (a mesh glTF?)", e.getMessage());
    }

    /** A mesh whose splats are an SPZ blob (placeholder accessors without data, as the extension allows). */
    static int spzMesh(Glb g, byte[] blob, int count) {
        int view = g.view(blob, 0);
        JsonObject attrs = new JsonObject();
        String[][] placeholders = {{"POSITION", "VEC3"}, {"COLOR_0", "VEC4"}, {P + "SCALE", "VEC3"},
            {P + "ROTATION", "VEC4"}};
        for (String[] a : placeholders) {
            JsonObject acc = new JsonObject();
            acc.addProperty("componentType", 5126);
            acc.addProperty("type", a[1]);
            acc.addProperty("count", count);
            g.arr("accessors").add(acc);
            attrs.addProperty(a[0], g.arr("accessors").size() - 1);
        }
        JsonObject spz = new JsonObject();
        spz.addProperty("bufferView", view);
        JsonObject nested = new JsonObject();
        nested.add("KHR_gaussian_splatting_compression_spz_2", spz);
        JsonObject ext = new JsonObject();
        ext.addProperty("kernel", "ellipse");
        ext.addProperty("colorSpace", "srgb_rec709_display");
        ext.add("extensions", nested);
        JsonObject exts = new JsonObject();
        exts.add("KHR_gaussian_splatting", ext);
        JsonObject p = new JsonObject();
        p.add("attributes", attrs);
        p.addProperty("mode", 0);
        p.add("extensions", exts);
        JsonArray req = new JsonArray();
        req.add("KHR_gaussian_splatting");
        req.add("KHR_gaussian_splatting_compression_spz_2");
        g.root.add("extensionsRequired", req);
        return g.mesh(p);
    }

    @Test
    void spzCompressedPrimitivesAreDecodedAndTurnedFromSpzAxesToGltf() throws IOException {
        GaussianCloud src = SplatTestSupport.randomCloud(41, 40, 2);
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        new SpzFormat().write(src, blob);
        GaussianCloud spz = new SpzFormat().read(blob.toByteArray(), "blob.spz"); // SPZ's own axes (RUB)
        Glb g = new Glb();
        int mesh = spzMesh(g, blob.toByteArray(), 40);
        JsonObject moved = new JsonObject();
        moved.addProperty("mesh", mesh);
        moved.add("translation", json(0, 10, 0));
        g.scene(g.meshNode(mesh), g.node(moved));
        GaussianCloud c = read(g.build());
        assertEquals(80, c.size(), "a mesh used twice");
        assertEquals(2, c.shDegree());
        double[] f = {-1, 0, 0, 0, 1, 0, 0, 0, -1}; // SPZ RUB → glTF ("LUF" in SPZ's terms)
        for (int i = 0; i < 40; i++) {
            assertEquals(-spz.positions()[i * 3], c.positions()[i * 3], 1e-6);
            assertEquals(spz.positions()[i * 3 + 1], c.positions()[i * 3 + 1], 1e-6);
            assertEquals(spz.positions()[i * 3 + 1] + 10, c.positions()[(40 + i) * 3 + 1], 1e-5);
            assertEquals(-spz.positions()[i * 3 + 2], c.positions()[i * 3 + 2], 1e-6);
            assertEquals(spz.opacities()[i], c.opacities()[i]);
            double[] s0 = covariance(spz, i);
            double[] s1 = covariance(c, i);
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    assertEquals(f[a * 4] * f[b * 4] * s0[a * 3 + b], s1[a * 3 + b],
                            1e-7 + 1e-4 * Math.abs(s0[a * 3 + b]));
                }
            }
            Random r = new Random(i);
            for (int t = 0; t < 3; t++) {
                double[] d = unit(r);
                assertArrayEquals(colour(spz, i, d), colour(c, i, mul(f, d)), 1e-3, "colour");
            }
        }
        // the placeholder count must agree with the blob
        Glb bad = new Glb();
        bad.scene(bad.meshNode(spzMesh(bad, blob.toByteArray(), 41)));
        IOException e = assertThrows(IOException.class, () -> read(bad.build()));
        assertTrue(e.getMessage().contains("40 points"), e.getMessage());
        // a corrupt blob is an IOException that names the file
        byte[] broken = java.util.Arrays.copyOf(blob.toByteArray(), blob.size() / 2);
        Glb cut = new Glb();
        cut.scene(cut.meshNode(spzMesh(cut, broken, 40)));
        e = assertThrows(IOException.class, () -> read(cut.build()));
        assertTrue(e.getMessage().startsWith("test.glb"), e.getMessage());
    }

    @Test
    void splatIoDispatchesGlb() throws IOException {
        assertTrue(SplatIO.formatFor("a/b/Scene.GLB") instanceof GltfSplatFormat);
        assertEquals("glb", new GltfSplatFormat().extension());
        assertEquals(SplatFrame.RUB, new GltfSplatFormat().nativeFrame());
    }

    static JsonArray json(double... v) {
        JsonArray a = new JsonArray();
        for (double d : v) {
            a.add(d);
        }
        return a;
    }

    static double[] unit(Random r) {
        double x = r.nextGaussian(), y = r.nextGaussian(), z = r.nextGaussian();
        double n = Math.sqrt(x * x + y * y + z * z);
        return new double[] {x / n, y / n, z / n};
    }
}
