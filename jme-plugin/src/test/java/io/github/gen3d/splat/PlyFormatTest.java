package io.github.gen3d.splat;

import static io.github.gen3d.splat.SplatTestSupport.C0;
import static io.github.gen3d.splat.SplatTestSupport.assertPlausible;
import static io.github.gen3d.splat.SplatTestSupport.sigmoid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.splat.SplatTestSupport.RawPly;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PLY reading and writing, checked against values decoded independently from the raw bytes. */
class PlyFormatTest {
    private final PlyFormat ply = new PlyFormat();

    @ParameterizedTest
    @CsvSource({"inria_sh3_train3pts.ply, 3, 3", "inria_sh3_pc_short_100.ply, 100, 3",
        "inria_sh0_luigi.ply, 14526, 0"})
    void realInriaFilesMatchRawBytes(String file, int count, int degree) throws IOException {
        byte[] data = Files.readAllBytes(TestData.splat(file));
        RawPly raw = new RawPly(data);
        GaussianCloud c = ply.read(data, file);
        assertEquals(count, c.size());
        assertEquals(degree, c.shDegree());
        assertPlausible(c, file);
        int k = (degree + 1) * (degree + 1);
        assertEquals((k - 1) * 3, raw.restCount());
        for (int i = 0; i < count; i++) {
            assertEquals(raw.get(i, "x"), c.positions()[i * 3]);
            assertEquals(raw.get(i, "y"), c.positions()[i * 3 + 1]);
            assertEquals(raw.get(i, "z"), c.positions()[i * 3 + 2]);
            for (int j = 0; j < 3; j++) {
                double want = Math.exp(raw.get(i, "scale_" + j));
                assertEquals(want, c.scales()[i * 3 + j], want * 1e-6);
                assertEquals(raw.get(i, "f_dc_" + j), c.sh()[i * k * 3 + j]);
            }
            assertEquals(sigmoid(raw.get(i, "opacity")), c.opacities()[i], 1e-6);
            double n = 0;
            for (int j = 0; j < 4; j++) {
                n += Math.pow(raw.get(i, "rot_" + j), 2);
            }
            for (int j = 0; j < 4; j++) {
                assertEquals(raw.get(i, "rot_" + j) / Math.sqrt(n), c.rotations()[i * 4 + j], 1e-6);
            }
            // f_rest is channel-major in the file: f_rest_{c·(K−1) + (k−1)}
            for (int ch = 0; ch < 3; ch++) {
                for (int j = 1; j < k; j++) {
                    assertEquals(raw.get(i, "f_rest_" + (ch * (k - 1) + j - 1)), c.sh()[(i * k + j) * 3 + ch],
                            file + " splat " + i + " coefficient " + j + " channel " + ch);
                }
            }
        }
    }

    @Test
    void shortFileHasTrailingBytesAndStillReads100() throws IOException {
        byte[] data = Files.readAllBytes(TestData.splat("inria_sh3_pc_short_100.ply"));
        RawPly raw = new RawPly(data);
        assertEquals(14029, data.length - raw.headerLength - 100 * raw.stride());
        assertEquals(100, ply.read(data, "pc_short").size());
    }

    @Test
    void playCanvasCompressedMatchesIndependentDecode() throws IOException {
        byte[] data = Files.readAllBytes(TestData.splat("playcanvas_compressed_sh3_64.ply"));
        GaussianCloud c = ply.read(data, "pc.ply");
        assertEquals(64, c.size());
        assertEquals(3, c.shDegree());
        assertPlausible(c, "compressed");
        // layout from SOURCES.md: header 1776 B, 1 chunk × 18 floats, 64 × 4 uint32, 64 × 45 uchar
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int chunk = 1776, vert = chunk + 72, shOff = vert + 64 * 16;
        assertEquals(data.length, shOff + 64 * 45);
        float[] cb = new float[18];
        for (int j = 0; j < 18; j++) {
            cb[j] = b.getFloat(chunk + 4 * j);
        }
        for (int i = 0; i < 64; i++) {
            long pp = b.getInt(vert + i * 16) & 0xFFFFFFFFL;
            long pr = b.getInt(vert + i * 16 + 4) & 0xFFFFFFFFL;
            long ps = b.getInt(vert + i * 16 + 8) & 0xFFFFFFFFL;
            long pc = b.getInt(vert + i * 16 + 12) & 0xFFFFFFFFL;
            double[] tp = {(pp >>> 21) / 2047.0, ((pp >>> 11) & 1023) / 1023.0, (pp & 2047) / 2047.0};
            double[] ts = {(ps >>> 21) / 2047.0, ((ps >>> 11) & 1023) / 1023.0, (ps & 2047) / 2047.0};
            for (int j = 0; j < 3; j++) {
                double pos = cb[j] + (cb[3 + j] - cb[j]) * tp[j];
                assertEquals(pos, c.positions()[i * 3 + j], 1e-5, "position " + i);
                double ls = cb[6 + j] + (cb[9 + j] - cb[6 + j]) * ts[j];
                assertEquals(Math.exp(ls), c.scales()[i * 3 + j], 1e-5 * Math.exp(ls), "scale " + i);
                double t = ((pc >>> (24 - 8 * j)) & 255) / 255.0;
                double colour = cb[12 + j] + (cb[15 + j] - cb[12 + j]) * t;
                assertEquals((colour - 0.5) / C0, c.sh()[i * 48 + j], 1e-4, "dc " + i);
            }
            assertEquals((pc & 255) / 255.0, c.opacities()[i], 1e-6);
            // smallest three: top 2 bits = index of the largest of (rot_0..rot_3), then 3 × 10 bits
            double[] three = {((pr >>> 20) & 1023) / 1023.0, ((pr >>> 10) & 1023) / 1023.0, (pr & 1023) / 1023.0};
            double ss = 0;
            for (int j = 0; j < 3; j++) {
                three[j] = (three[j] - 0.5) * Math.sqrt(2);
                ss += three[j] * three[j];
            }
            int largest = (int) (pr >>> 30);
            double[] q = new double[4];
            for (int j = 0, s = 0; j < 4; j++) {
                q[j] = j == largest ? Math.sqrt(Math.max(0, 1 - ss)) : three[s++];
            }
            double qn = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
            for (int j = 0; j < 4; j++) {
                assertEquals(q[j] / qn, c.rotations()[i * 4 + j], 1e-6, "rotation " + i);
            }
            for (int ch = 0; ch < 3; ch++) {
                for (int j = 1; j < 16; j++) {
                    int v = data[shOff + i * 45 + ch * 15 + j - 1] & 0xFF;
                    double want = v == 0 ? -4 : v == 255 ? 4 : ((v + 0.5) / 256 - 0.5) * 8;
                    assertEquals(want, c.sh()[(i * 16 + j) * 3 + ch], 1e-6);
                }
            }
        }
    }

    /** Writes one value of a PLY type into a buffer. */
    private static void put(ByteBuffer b, String type, double v) {
        switch (type) {
            case "char", "int8", "uchar", "uint8" -> b.put((byte) (long) v);
            case "short", "int16", "ushort", "uint16" -> b.putShort((short) (long) v);
            case "int", "int32", "uint", "uint32" -> b.putInt((int) (long) v);
            case "float", "float32" -> b.putFloat((float) v);
            case "double", "float64" -> b.putDouble(v);
            default -> throw new AssertionError(type);
        }
    }

    /** Every property type and alias, both byte orders, LGM layout (no normals, no f_rest), shuffled order. */
    @ParameterizedTest
    @ValueSource(strings = {"binary_little_endian", "binary_big_endian"})
    void everyPropertyTypeInBothByteOrders(String format) throws IOException {
        String[][] props = {{"rot_3", "float"}, {"x", "double"}, {"y", "float32"}, {"z", "short"},
            {"f_dc_0", "uchar"}, {"f_dc_1", "char"}, {"f_dc_2", "uint16"}, {"opacity", "int"},
            {"scale_0", "int8"}, {"scale_1", "int16"}, {"scale_2", "float64"}, {"rot_0", "uint"},
            {"rot_1", "uint8"}, {"rot_2", "int32"}, {"extra", "ushort"}, {"more", "uint32"}};
        double[][] rows = {
            {0.5, 1.25, -2.5, -3, 200, -7, 40000, -2, -1, 2, 0.125, 3000000000.0, 0, -4, 65535, 4294967295.0},
            {0, -0.75, 1e-3, 32767, 0, 127, 1, 3, 2, -32768, -1.5, 1, 0, 0, 7, 1}};
        StringBuilder h = new StringBuilder("ply\nformat " + format + " 1.0\nelement vertex 2\n");
        int stride = 0;
        for (String[] p : props) {
            h.append("property ").append(p[1]).append(' ').append(p[0]).append('\n');
            stride += PlyHeader.Type.parse(p[1]).size;
        }
        h.append("end_header\n");
        byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(head.length + 2 * stride).order(format.contains("little")
                ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        b.put(head);
        for (double[] r : rows) {
            for (int j = 0; j < props.length; j++) {
                put(b, props[j][1], r[j]);
            }
        }
        GaussianCloud c = ply.read(b.array(), "types.ply");
        assertEquals(2, c.size());
        assertEquals(0, c.shDegree());
        for (int i = 0; i < 2; i++) {
            double[] r = rows[i];
            assertEquals((float) r[1], c.positions()[i * 3]);
            assertEquals((float) r[2], c.positions()[i * 3 + 1]);
            assertEquals((float) r[3], c.positions()[i * 3 + 2]);
            assertEquals((float) r[4], c.sh()[i * 3]);
            assertEquals((float) r[5], c.sh()[i * 3 + 1]);
            assertEquals((float) r[6], c.sh()[i * 3 + 2]);
            assertEquals(sigmoid(r[7]), c.opacities()[i], 1e-7);
            assertEquals(Math.exp(r[8]), c.scales()[i * 3], 1e-6 * Math.exp(r[8]));
            assertEquals(Math.exp(r[9]), c.scales()[i * 3 + 1], 1e-6 * Math.exp(r[9]));
            assertEquals(Math.exp(r[10]), c.scales()[i * 3 + 2], 1e-6 * Math.exp(r[10]));
            double w = r[11], x = r[12], y = r[13], z = r[0];
            double n = Math.sqrt(w * w + x * x + y * y + z * z);
            assertArrayEquals(new float[] {(float) (w / n), (float) (x / n), (float) (y / n), (float) (z / n)},
                    java.util.Arrays.copyOfRange(c.rotations(), i * 4, i * 4 + 4), 1e-6f);
        }
    }

    @Test
    void asciiWithCrLfCommentsListElementsBeforeAndAfterAndShDegree1() throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("ply\r\nformat ascii 1.0\r\ncomment made by hand\r\nobj_info test\r\n");
        s.append("element camera 2\r\nproperty list uchar float k\r\nproperty int id\r\n");
        s.append("element vertex 2\r\n");
        String[] names = {"x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"};
        for (String n : names) {
            s.append("property float ").append(n).append("\r\n");
        }
        for (int j = 0; j < 9; j++) {
            s.append("property float f_rest_").append(j).append("\r\n");
        }
        s.append("property double opacity\r\nproperty float scale_0\r\nproperty float scale_1\r\n")
                .append("property float scale_2\r\nproperty float rot_0\r\nproperty float rot_1\r\n")
                .append("property float rot_2\r\nproperty float rot_3\r\n");
        s.append("element face 1\r\nproperty list uchar int vertex_indices\r\nend_header\r\n");
        s.append("3 1.5 -2 3e2 7\r\n0 8\r\n");
        double[][] rows = new double[2][26];
        java.util.Random r = new java.util.Random(5);
        for (double[] row : rows) {
            for (int j = 0; j < 26; j++) {
                row[j] = Math.round(r.nextGaussian() * 1000) / 1000.0;
            }
            for (int j = 0; j < 26; j++) {
                s.append(row[j]).append(j == 25 ? "\r\n" : j % 5 == 0 ? "\t" : " ");
            }
        }
        s.append("3 0 1 2\r\n");
        GaussianCloud c = ply.read(s.toString().getBytes(StandardCharsets.US_ASCII), "hand.ply");
        assertEquals(2, c.size());
        assertEquals(1, c.shDegree());
        for (int i = 0; i < 2; i++) {
            double[] row = rows[i];
            for (int j = 0; j < 3; j++) {
                assertEquals((float) row[j], c.positions()[i * 3 + j]);
                assertEquals((float) row[6 + j], c.sh()[i * 12 + j]);
                assertEquals((float) Math.exp((float) row[19 + j]), c.scales()[i * 3 + j], 1e-6);
            }
            // f_rest_0..2 = red coefficients 1..3, 3..5 green, 6..8 blue
            for (int ch = 0; ch < 3; ch++) {
                for (int j = 1; j < 4; j++) {
                    assertEquals((float) row[9 + ch * 3 + j - 1], c.sh()[(i * 4 + j) * 3 + ch]);
                }
            }
            assertEquals(sigmoid(row[18]), c.opacities()[i], 1e-7);
            double n = 0;
            for (int j = 0; j < 4; j++) {
                n += (float) row[22 + j] * (float) row[22 + j];
            }
            for (int j = 0; j < 4; j++) {
                assertEquals((float) row[22 + j] / Math.sqrt(n), c.rotations()[i * 4 + j], 1e-6);
            }
        }
    }

    @Test
    void asciiRejectsSuffixedAndHexNumbersAndMissingRows() {
        String head = "ply\nformat ascii 1.0\nelement vertex 1\n" + lgmProperties("float") + "end_header\n";
        String good = "1 2 3 0.5 0.5 0.5 0 0 0 0 1 0 0 0\n";
        String[] bad = {good.replace("2 3", "2f 3"), good.replace("2 3", "0x2 3"), "1 2 3\n", "",
            good.replace("0.5 0.5", "0.5 abc")};
        for (String body : bad) {
            IOException e = assertThrows(IOException.class,
                    () -> ply.read((head + body).getBytes(StandardCharsets.US_ASCII), "a.ply"), body);
            assertTrue(e.getMessage().startsWith("a.ply: "), e.getMessage());
        }
        assertEquals(1, assertDoesNotThrowRead(head + good).size());
        // nan and inf as printed by C and Python are numbers
        assertEquals(1, assertDoesNotThrowRead(head + good.replace("0 0 0 0 1", "nan -inf inf 0 1")).size());
    }

    private GaussianCloud assertDoesNotThrowRead(String text) {
        try {
            return ply.read(text.getBytes(StandardCharsets.US_ASCII), "a.ply");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** x y z f_dc opacity scale rot, in this order, with one type. */
    static String lgmProperties(String type) {
        StringBuilder s = new StringBuilder();
        for (String p : new String[] {"x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0", "scale_1",
            "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"}) {
            s.append("property ").append(type).append(' ').append(p).append('\n');
        }
        return s.toString();
    }

    @Test
    void binaryListElementBeforeVerticesIsWalkedAndFaceAfterIsIgnored() throws IOException {
        String head = "ply\nformat binary_little_endian 1.0\n"
                + "element meta 3\nproperty list uchar int ids\nproperty float w\n"
                + "element vertex 2\n" + lgmProperties("float")
                + "element face 2\nproperty list uint8 uint32 vertex_indices\nend_header\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer meta = ByteBuffer.allocate(1 + 0 + 4 + 1 + 8 + 4 + 1 + 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
        meta.put((byte) 0).putFloat(1f);
        meta.put((byte) 2).putInt(7).putInt(8).putFloat(2f);
        meta.put((byte) 3).putInt(1).putInt(2).putInt(3).putFloat(3f);
        out.write(meta.array());
        ByteBuffer v = ByteBuffer.allocate(2 * 14 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2; i++) {
            v.putFloat(10 + i).putFloat(20 + i).putFloat(30 + i);
            v.putFloat(0.1f).putFloat(0.2f).putFloat(0.3f).putFloat(0f);
            v.putFloat(-1f).putFloat(-2f).putFloat(-3f);
            v.putFloat(0f).putFloat(0f).putFloat(0f).putFloat(2f); // rot (0,0,0,2) → (0,0,0,1)
        }
        out.write(v.array());
        // face rows: only one of the two declared is present; the vertices are still readable
        out.write(new byte[] {3, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0});
        GaussianCloud c = ply.read(out.toByteArray(), "m.ply");
        assertEquals(2, c.size());
        assertArrayEquals(new float[] {10, 20, 30, 11, 21, 31}, c.positions());
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 0, 1}, c.rotations());
        assertEquals(0.5f, c.opacities()[1]);
        assertEquals((float) Math.exp(-2), c.scales()[4]);
    }

    @Test
    void listElementBeforeVerticesThatOverrunsIsAnIoException() {
        String head = "ply\nformat binary_little_endian 1.0\nelement meta 1\nproperty list uchar int ids\n"
                + "element vertex 0\n" + lgmProperties("float") + "end_header\n";
        byte[] data = concat(head.getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 200, 1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> ply.read(data, "l.ply"));
        assertTrue(e.getMessage().startsWith("l.ply: ") && e.getMessage().contains("'meta'"), e.getMessage());
    }

    @Test
    void zeroQuaternionBecomesIdentity() throws IOException {
        String head = "ply\nformat binary_little_endian 1.0\nelement vertex 2\n" + lgmProperties("float")
                + "end_header\n";
        ByteBuffer v = ByteBuffer.allocate(2 * 14 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 10; j++) {
                v.putFloat(0f);
            }
            v.putFloat(0f).putFloat(i == 0 ? 0f : Float.NaN).putFloat(0f).putFloat(0f);
        }
        GaussianCloud c = ply.read(concat(head.getBytes(StandardCharsets.US_ASCII), v.array()), "z.ply");
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0}, c.rotations());
    }

    @Test
    void badRestCountsAreRejected() {
        StringBuilder h = new StringBuilder("ply\nformat binary_little_endian 1.0\nelement vertex 0\n")
                .append(lgmProperties("float"));
        for (int j = 0; j < 3; j++) {
            h.append("property float f_rest_").append(j).append('\n');
        }
        h.append("end_header\n");
        IOException e = assertThrows(IOException.class,
                () -> ply.read(h.toString().getBytes(StandardCharsets.US_ASCII), "r.ply"));
        assertTrue(e.getMessage().startsWith("r.ply: PLY has 3 f_rest_* properties"), e.getMessage());
        // 9 properties but one misnamed
        String gap = h.toString().replace("end_header\n", "")
                + "property float f_rest_3\nproperty float f_rest_4\nproperty float f_rest_5\n"
                + "property float f_rest_6\nproperty float f_rest_7\nproperty float f_rest_90\nend_header\n";
        e = assertThrows(IOException.class, () -> ply.read(gap.getBytes(StandardCharsets.US_ASCII), "r.ply"));
        assertTrue(e.getMessage().contains("no f_rest_8"), e.getMessage());
    }

    @Test
    void meshPlyGivesAClearMessage() {
        String head = "ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
                + "property float z\nproperty float nx\nproperty float ny\nproperty float nz\n"
                + "property uchar red\nproperty uchar green\nproperty uchar blue\n"
                + "element face 1\nproperty list uchar int vertex_indices\nend_header\n";
        byte[] data = concat(head.getBytes(StandardCharsets.US_ASCII), new byte[3 * 27 + 13]);
        IOException e = assertThrows(IOException.class, () -> ply.read(data, "bunny.ply"));
        assertEquals("bunny.ply is a mesh/point-cloud PLY, not a Gaussian splat PLY (missing f_dc_*, opacity,"
                + " scale_*, rot_*)", e.getMessage());
        // some but not all Gaussian properties: list the missing ones
        String partial = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\n"
                + "property float z\nproperty float opacity\nend_header\n1 2 3 4\n";
        e = assertThrows(IOException.class, () -> ply.read(partial.getBytes(StandardCharsets.US_ASCII), "p.ply"));
        assertTrue(e.getMessage().startsWith("p.ply: Gaussian splat PLY lacks the vertex properties [f_dc_0"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void writeThenReadRoundTripsToFloatPrecision(int degree) throws IOException {
        GaussianCloud c = SplatTestSupport.randomCloud(100 + degree, 257, degree);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ply.write(c, out);
        byte[] data = out.toByteArray();
        // the file itself, read by the independent test reader: INRIA layout and inverse transforms
        RawPly raw = new RawPly(data);
        int k = (degree + 1) * (degree + 1);
        assertEquals(17 + 3 * (k - 1), raw.names.size());
        assertEquals(java.util.List.of("x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"),
                raw.names.subList(0, 9));
        assertEquals(java.util.List.of("opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2",
                "rot_3"), raw.names.subList(raw.names.size() - 8, raw.names.size()));
        assertEquals(data.length, raw.headerLength + 257 * raw.stride());
        for (int i = 0; i < 257; i += 17) {
            double o = c.opacities()[i];
            assertEquals(Math.log(o / (1 - o)), raw.get(i, "opacity"), 1e-5);
            assertEquals(Math.log(c.scales()[i * 3 + 1]), raw.get(i, "scale_1"), 1e-6);
            assertEquals(0f, raw.get(i, "nx"));
            for (int ch = 0; ch < 3; ch++) {
                for (int j = 1; j < k; j++) {
                    assertEquals(c.sh()[(i * k + j) * 3 + ch], raw.get(i, "f_rest_" + (ch * (k - 1) + j - 1)));
                }
            }
        }
        GaussianCloud back = ply.read(data, "rt.ply");
        assertEquals(degree, back.shDegree());
        assertArrayEquals(c.positions(), back.positions());
        assertArrayEquals(c.sh(), back.sh());
        assertArrayEquals(c.rotations(), back.rotations(), 2e-7f);
        assertArrayEquals(c.opacities(), back.opacities(), 1e-6f);
        for (int j = 0; j < c.scales().length; j++) {
            assertEquals(c.scales()[j], back.scales()[j], c.scales()[j] * 1e-6);
        }
    }

    @Test
    void opacityZeroAndOneStayFiniteInTheFile() throws IOException {
        GaussianCloud c = SplatTestSupport.randomCloud(9, 2, 0);
        c.opacities()[0] = 0f;
        c.opacities()[1] = 1f;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ply.write(c, out);
        RawPly raw = new RawPly(out.toByteArray());
        assertEquals(-40f, raw.get(0, "opacity"));
        assertEquals(40f, raw.get(1, "opacity"));
        GaussianCloud back = ply.read(out.toByteArray(), "o.ply");
        assertEquals(0f, back.opacities()[0], 1e-15f);
        assertEquals(1f, back.opacities()[1]);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
