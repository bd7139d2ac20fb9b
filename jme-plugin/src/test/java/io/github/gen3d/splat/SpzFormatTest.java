package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.airlift.compress.zstd.ZstdDecompressor;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Reads the real SPZ files, cross-checks them against the INRIA PLY, and round-trips written files. */
class SpzFormatTest {
    /** Half a step of SPZ's 8-bit log scale. */
    static final double LOG_SCALE_TOL = 0.5 / 16;
    /** Half a step of the 8-bit alpha. */
    static final double OPACITY_TOL = 0.5 / 255;
    /** Half a step of the 8-bit DC colour: u8 = f_dc·0.15·255 + 127.5. */
    static final double DC_TOL = 0.5 / (0.15 * 255);
    /** Half a step of the 8-bit SH coefficients. */
    static final double SH_TOL = 0.5 / 128;
    /** Half a step of one smallest-three component (9 bits over [0, √½]). */
    static final double S3_STEP_HALF = Math.sqrt(0.5) / 511 / 2;
    /** The largest component is derived from the other three: its error is at most about 3 of theirs. */
    static final double S3_TOL = 3.1 * S3_STEP_HALF;
    /** Half a step of a v2 rotation component, b/127.5 − 1. */
    static final double V2_STEP_HALF = 0.5 / 127.5;

    // ------------------------------------------------------------------------------------------- helpers

    static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(TestData.splat(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bos)) {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] write(SpzFormat f, GaussianCloud c) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        f.write(c, bos);
        return bos.toByteArray();
    }

    /** Decompresses a v4 file's streams by hand (TOC at 32, no extensions), concatenated. */
    static byte[] ngspArrays(byte[] file) {
        ByteBuffer b = le(file);
        int streams = file[15] & 0xff;
        assertEquals(32, b.getInt(16), "TOC offset");
        int src = 32 + streams * 16;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < streams; i++) {
            int cs = (int) b.getLong(32 + i * 16);
            int us = (int) b.getLong(40 + i * 16);
            byte[] out = new byte[us];
            assertEquals(us, new ZstdDecompressor().decompress(file, src, cs, out, 0, us));
            all.writeBytes(out);
            src += cs;
        }
        assertEquals(file.length, src, "streams end at the end of the file");
        return all.toByteArray();
    }

    /** The attribute arrays of a v2/v3/v4 file, without header. */
    static byte[] arrays(byte[] file) {
        if ((file[0] & 0xff) == 0x1f) {
            byte[] raw = gunzip(file);
            return Arrays.copyOfRange(raw, 16, raw.length);
        }
        return ngspArrays(file);
    }

    static int u(byte[] p, int i) {
        return p[i] & 0xff;
    }

    /** Sign of each SH basis function under (x, y, z) → (x, −y, −z), from the basis formulas themselves. */
    static double[] flipSigns() {
        double x = 0.3, y = 0.5, z = 0.8, n = Math.sqrt(x * x + y * y + z * z);
        double[] a = new double[16], b = new double[16];
        SphericalHarmonics.basis(3, x / n, y / n, z / n, a);
        SphericalHarmonics.basis(3, x / n, -y / n, -z / n, b);
        double[] s = new double[16];
        for (int k = 0; k < 16; k++) {
            s[k] = Math.signum(b[k] / a[k]);
            assertEquals(1.0, Math.abs(b[k] / a[k]), 1e-12, "basis " + k + " is even or odd");
        }
        return s;
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Returns q (w,x,y,z at offset o) negated if that makes its dot with ref non-negative. */
    static double[] aligned(float[] q, int o, double[] ref) {
        double dot = 0;
        for (int j = 0; j < 4; j++) {
            dot += q[o + j] * ref[j];
        }
        double s = dot < 0 ? -1 : 1;
        return new double[] {s * q[o], s * q[o + 1], s * q[o + 2], s * q[o + 3]};
    }

    // ------------------------------------------------------------------------------------------- real files

    @Test
    void readsRealV2FileWithAntialiasedFlag() throws IOException {
        byte[] file = bytes("spz_v2_fourth_st.spz");
        SpzFormat.Header h = SpzFormat.readHeader(file, "fourth_st.spz");
        assertEquals(2, h.version());
        assertEquals(131_199, h.numPoints());
        assertEquals(3, h.shDegree());
        assertEquals(12, h.fractionalBits());
        assertTrue(h.antialiased());

        GaussianCloud c = new SpzFormat().read(file, "fourth_st.spz");
        assertEquals(131_199, c.size());
        assertEquals(3, c.shDegree());
        assertTrue(c.validate().isClean(), c.validate().toString());
        var box = c.bounds();
        float[] ext = {box.getXExtent() * 2, box.getYExtent() * 2, box.getZExtent() * 2};
        for (float e : ext) {
            assertTrue(e > 0.05f && e < 0.3f, "scene extent " + Arrays.toString(ext));
        }
        float[] o = c.opacities();
        for (int i = 0; i < c.size(); i++) {
            assertTrue(o[i] >= 0 && o[i] <= 1);
            double qn = 0;
            for (int j = 0; j < 4; j++) {
                qn += c.rotations()[i * 4 + j] * c.rotations()[i * 4 + j];
            }
            assertEquals(1.0, Math.sqrt(qn), 1e-6);
            for (int j = 0; j < 3; j++) {
                float s = c.scales()[i * 3 + j];
                assertTrue(s >= Math.exp(-10) * 0.999 && s <= Math.exp(255 / 16.0 - 10) * 1.001, "scale " + s);
            }
        }

        // spot-check against a decoder written here from the format description
        byte[] raw = gunzip(file);
        int n = 131_199, k = 16;
        int alpha = 16 + 9 * n, col = alpha + n, scl = col + 3 * n, rot = scl + 3 * n, sh = rot + 3 * n;
        assertEquals(sh + 45 * n, raw.length);
        for (int i : new int[] {0, 1, 4242, 77_777, n - 1}) {
            for (int j = 0; j < 3; j++) {
                int b = 16 + (i * 3 + j) * 3;
                int fixed = u(raw, b) + (u(raw, b + 1) << 8) + (u(raw, b + 2) << 16);
                if (fixed >= 1 << 23) {
                    fixed -= 1 << 24;
                }
                assertEquals(fixed / 4096.0, c.positions()[i * 3 + j], 1e-9);
                assertEquals(Math.exp(u(raw, scl + i * 3 + j) / 16.0 - 10), c.scales()[i * 3 + j],
                        1e-6 * c.scales()[i * 3 + j]);
                assertEquals((u(raw, col + i * 3 + j) / 255.0 - 0.5) / 0.15, c.sh()[i * k * 3 + j], 1e-5);
            }
            assertEquals(u(raw, alpha + i) / 255.0, o[i], 1e-7);
            double x = u(raw, rot + i * 3) / 127.5 - 1, y = u(raw, rot + i * 3 + 1) / 127.5 - 1,
                    z = u(raw, rot + i * 3 + 2) / 127.5 - 1;
            double w = Math.sqrt(Math.max(0, 1 - x * x - y * y - z * z));
            double qn = Math.sqrt(w * w + x * x + y * y + z * z);
            assertArrayEquals(new float[] {(float) (w / qn), (float) (x / qn), (float) (y / qn), (float) (z / qn)},
                    Arrays.copyOfRange(c.rotations(), i * 4, i * 4 + 4), 1e-6f);
            for (int j = 0; j < 45; j++) {
                assertEquals((u(raw, sh + i * 45 + j) - 128) / 128.0, c.sh()[i * k * 3 + 3 + j], 1e-7);
            }
        }
    }

    @Test
    void v3TrainMatchesInriaPly() throws IOException {
        GaussianCloud c = new SpzFormat().read(bytes("spz_v3_train3pts.spz"), "train3pts.spz");
        SpzFormat.Header h = SpzFormat.readHeader(bytes("spz_v3_train3pts.spz"), "train3pts.spz");
        assertEquals(3, h.version());
        assertEquals(12, h.fractionalBits());
        assertEquals(3, c.size());
        assertEquals(3, c.shDegree());

        byte[] ply = bytes("inria_sh3_train3pts.ply");
        assertEquals(1526 + 3 * 248, ply.length);
        ByteBuffer b = le(ply);
        double[] sign = flipSigns();
        double dcMax = 127.5 / (0.15 * 255);
        for (int i = 0; i < 3; i++) {
            float[] v = new float[62];
            for (int j = 0; j < 62; j++) {
                v[j] = b.getFloat(1526 + i * 248 + j * 4);
            }
            // RDF -> RUB: negate y and z of the position
            double[] pos = {v[0], -v[1], -v[2]};
            for (int j = 0; j < 3; j++) {
                assertEquals(pos[j], c.positions()[i * 3 + j], 1.0 / (1 << 13) + 1e-6, "position " + i);
                assertEquals(clamp(v[6 + j], -dcMax, dcMax), c.sh()[i * 48 + j], DC_TOL + 1e-5, "f_dc " + i);
                assertEquals(clamp(v[55 + j], -10, 255 / 16.0 - 10), Math.log(c.scales()[i * 3 + j]),
                        LOG_SCALE_TOL + 1e-5, "log scale " + i);
            }
            assertEquals(1 / (1 + Math.exp(-v[54])), c.opacities()[i], OPACITY_TOL + 1e-6, "opacity " + i);
            // PLY rot_0..3 = w,x,y,z (unnormalised); RDF -> RUB negates the vector part's y and z
            double qn = Math.sqrt(v[58] * v[58] + v[59] * v[59] + v[60] * v[60] + v[61] * v[61]);
            double[] q = {v[58] / qn, v[59] / qn, -v[60] / qn, -v[61] / qn};
            double[] got = aligned(c.rotations(), i * 4, q);
            for (int j = 0; j < 4; j++) {
                assertEquals(q[j], got[j], S3_TOL + 1e-6, "rotation " + i + " component " + j);
            }
            // f_rest is channel-major (15 R, 15 G, 15 B); SPZ keeps 5 bits for band 1 and 4 for the rest
            for (int kk = 1; kk < 16; kk++) {
                double bucket = kk < 4 ? 8 : 16;
                for (int ch = 0; ch < 3; ch++) {
                    double want = clamp(sign[kk] * v[9 + ch * 15 + kk - 1], -1, 127 / 128.0);
                    assertEquals(want, c.sh()[i * 48 + kk * 3 + ch], (bucket / 2 + 0.5) / 128 + 1e-6,
                            "SH " + i + "," + kk + "," + ch);
                }
            }
        }
    }

    @Test
    void v4MinimalGrid() throws IOException {
        byte[] file = bytes("spz_v4_minimal4.spz");
        SpzFormat.Header h = SpzFormat.readHeader(file, "minimal4.spz");
        assertEquals(4, h.version());
        assertEquals(4, h.numPoints());
        assertFalse(h.antialiased());
        GaussianCloud c = new SpzFormat().read(file, "minimal4.spz");
        assertEquals(4, c.size());
        assertEquals(0, c.shDegree());
        float[][] expected = {{-1, 0, 1}, {0, 0, 1}, {-1, 0, 0}, {0, 0, 0}};
        byte[] arrays = ngspArrays(file);
        assertEquals(4 * 20, arrays.length);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i][j], c.positions()[i * 3 + j], 1.0 / (1 << 13));
                assertEquals(Math.log(0.1), Math.log(c.scales()[i * 3 + j]), LOG_SCALE_TOL);
                assertEquals((u(arrays, 40 + i * 3 + j) / 255.0 - 0.5) / 0.15, c.sh()[i * 3 + j], 1e-5);
            }
            assertEquals(0.9, c.opacities()[i], OPACITY_TOL + 1e-6);
            assertArrayEquals(new float[] {1, 0, 0, 0}, Arrays.copyOfRange(c.rotations(), i * 4, i * 4 + 4), 1e-7f);
        }
    }

    /** Decoding a real file and encoding it again at the same version reproduces its arrays byte for byte. */
    @Test
    void reencodingRealFilesReproducesTheirBytes() throws IOException {
        byte[] v3 = bytes("spz_v3_train3pts.spz");
        byte[] again = write(new SpzFormat(3, 12, false), new SpzFormat().read(v3, "t"));
        assertArrayEquals(gunzip(v3), gunzip(again));

        byte[] v4 = bytes("spz_v4_minimal4.spz");
        byte[] again4 = write(new SpzFormat(4, 12, false), new SpzFormat().read(v4, "m"));
        assertArrayEquals(Arrays.copyOf(v4, 16), Arrays.copyOf(again4, 16), "header");
        assertArrayEquals(ngspArrays(v4), ngspArrays(again4));

        byte[] v2 = bytes("spz_v2_fourth_st.spz");
        byte[] raw = gunzip(v2);
        byte[] raw2 = gunzip(write(new SpzFormat(2, 12, true), new SpzFormat().read(v2, "f")));
        assertEquals(raw.length, raw2.length);
        // a v2 rotation whose stored |xyz| exceeds 1 decodes to a normalised quaternion, which re-encodes
        // differently; every other byte must match
        int n = 131_199, rot = 16 + 16 * n;
        int changed = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != raw2[i]) {
                assertTrue(i >= rot && i < rot + 3 * n, "byte " + i + " outside the rotations changed");
                int p = (i - rot) / 3;
                double s = 0;
                for (int j = 0; j < 3; j++) {
                    double x = u(raw, rot + p * 3 + j) / 127.5 - 1;
                    s += x * x;
                }
                assertTrue(s > 1, "rotation of point " + p + " changed although |xyz|² = " + s);
                changed++;
            }
        }
        assertTrue(changed < n / 100, changed + " rotation bytes changed");
    }

    // ------------------------------------------------------------------------------------------- hand-made bytes

    /** Two points assembled byte by byte, checking the smallest-three bit layout and every formula. */
    @Test
    void decodesHandAssembledV3Payload() throws IOException {
        int n = 2;
        ByteBuffer p = ByteBuffer.allocate(16 + n * (20 + 9)).order(ByteOrder.LITTLE_ENDIAN);
        p.putInt(0x5053474e).putInt(3).putInt(n).put((byte) 1).put((byte) 8).put((byte) 0).put((byte) 0);
        // positions, 8 fractional bits: point 0 = (1, -1, 0.5), point 1 = (-32768, 32767.99609375, 0)
        int[] fixed = {256, -256, 128, -(1 << 23), (1 << 23) - 1, 0};
        for (int f : fixed) {
            p.put((byte) f).put((byte) (f >> 8)).put((byte) (f >> 16));
        }
        p.put((byte) 0).put((byte) 255); // alphas
        p.put(new byte[] {(byte) 128, 0, (byte) 255, 1, 2, 3}); // colours
        p.put(new byte[] {(byte) 160, 0, (byte) 255, 16, 32, 48}); // scales
        // point 0: largest = w (3); x = +mag 511, y = −mag 0, z = −mag 100
        p.putInt(3 << 30 | 511 << 20 | (1 << 9) << 10 | (1 << 9 | 100));
        // point 1: largest = x (0); y = +200, z = −300, w = +0
        p.putInt(0 << 30 | 200 << 20 | (1 << 9 | 300) << 10 | 0);
        p.put(new byte[] {0, (byte) 128, (byte) 255, 64, (byte) 192, 1, 2, 3, 4}); // SH point 0
        p.put(new byte[] {10, 20, 30, 40, 50, 60, 70, 80, 90}); // SH point 1
        GaussianCloud c = new SpzFormat().read(gzip(p.array()), "hand.spz");

        assertArrayEquals(new float[] {1, -1, 0.5f, -32768, 32767.99609375f, 0}, c.positions(), 0f);
        assertArrayEquals(new float[] {0, 1}, c.opacities(), 0f);
        float[] dc = {c.sh()[0], c.sh()[1], c.sh()[2], c.sh()[12], c.sh()[13], c.sh()[14]};
        int[] colours = {128, 0, 255, 1, 2, 3};
        for (int j = 0; j < 6; j++) {
            assertEquals((colours[j] / 255.0 - 0.5) / 0.15, dc[j], 1e-5);
        }
        int[] scales = {160, 0, 255, 16, 32, 48};
        for (int j = 0; j < 6; j++) {
            assertEquals(Math.exp(scales[j] / 16.0 - 10), c.scales()[j], 1e-6 * c.scales()[j]);
        }
        double r = Math.sqrt(0.5);
        double x0 = r, y0 = -0.0, z0 = -r * 100 / 511;
        double w0 = Math.sqrt(Math.max(0, 1 - x0 * x0 - y0 * y0 - z0 * z0));
        assertArrayEquals(new float[] {(float) w0, (float) x0, 0, (float) z0}, Arrays.copyOfRange(c.rotations(), 0, 4),
                1e-6f);
        double y1 = r * 200 / 511, z1 = -r * 300 / 511, w1 = 0;
        double x1 = Math.sqrt(1 - y1 * y1 - z1 * z1 - w1 * w1);
        assertArrayEquals(new float[] {(float) w1, (float) x1, (float) y1, (float) z1},
                Arrays.copyOfRange(c.rotations(), 4, 8), 1e-6f);
        int[] sh0 = {0, 128, 255, 64, 192, 1, 2, 3, 4};
        for (int j = 0; j < 9; j++) {
            assertEquals((sh0[j] - 128) / 128.0, c.sh()[3 + j], 0, "SH " + j);
            assertEquals((10 * (j + 1) - 128) / 128.0, c.sh()[12 + 3 + j], 0, "SH " + j);
        }
    }

    @Test
    void decodesHandAssembledV2Rotation() throws IOException {
        ByteBuffer p = ByteBuffer.allocate(16 + 19).order(ByteOrder.LITTLE_ENDIAN);
        p.putInt(0x5053474e).putInt(2).putInt(1).put((byte) 0).put((byte) 12).put((byte) 0).put((byte) 0);
        p.put(new byte[9]).put((byte) 200).put(new byte[3]).put(new byte[3]);
        p.put(new byte[] {(byte) 200, 50, (byte) 128}); // x, y, z
        GaussianCloud c = new SpzFormat().read(gzip(p.array()), "v2.spz");
        double x = 200 / 127.5 - 1, y = 50 / 127.5 - 1, z = 128 / 127.5 - 1;
        double w = Math.sqrt(1 - x * x - y * y - z * z);
        assertArrayEquals(new float[] {(float) w, (float) x, (float) y, (float) z}, c.rotations(), 1e-6f);
        assertEquals(200 / 255.0, c.opacities()[0], 1e-7);
    }

    // ------------------------------------------------------------------------------------------- round trips

    static GaussianCloud randomCloud(int n, int degree, long seed, double minAbsW) {
        SplittableRandom r = new SplittableRandom(seed);
        GaussianCloud c = new GaussianCloud(n, degree);
        int k3 = c.shCoefficients() * 3;
        for (int i = 0; i < n; i++) {
            float[] pos = {(float) r.nextDouble(-50, 50), (float) r.nextDouble(-50, 50), (float) r.nextDouble(-50, 50)};
            float[] s = new float[3];
            for (int j = 0; j < 3; j++) {
                s[j] = (float) Math.exp(r.nextDouble(-9.9, 5.9));
            }
            float[] q = new float[4];
            while (true) {
                double qn = 0;
                for (int j = 0; j < 4; j++) {
                    q[j] = (float) (r.nextDouble() * 2 - 1);
                    qn += q[j] * q[j];
                }
                if (qn < 0.01 || qn > 1) {
                    continue; // uniform on the sphere: keep samples inside the unit ball only
                }
                for (int j = 0; j < 4; j++) {
                    q[j] /= (float) Math.sqrt(qn);
                }
                if (Math.abs(q[0]) >= minAbsW) {
                    break;
                }
            }
            c.set(i, pos, s, q, (float) r.nextDouble());
            for (int j = 0; j < k3; j++) {
                c.sh()[i * k3 + j] = (float) (j < 3 ? r.nextDouble(-3.3, 3.3) : r.nextDouble(-1, 127 / 128.0));
            }
        }
        return c;
    }

    static void assertWithinQuantisation(GaussianCloud a, GaussianCloud b, int version, int fractionalBits) {
        assertEquals(a.size(), b.size());
        assertEquals(a.shDegree(), b.shDegree());
        int k3 = a.shCoefficients() * 3;
        double posTol = Math.scalb(1.0, -fractionalBits - 1);
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(a.positions()[i * 3 + j], b.positions()[i * 3 + j], posTol, "position " + i);
                assertEquals(Math.log(a.scales()[i * 3 + j]), Math.log(b.scales()[i * 3 + j]),
                        LOG_SCALE_TOL + 1e-6, "scale " + i);
                assertEquals(a.sh()[i * k3 + j], b.sh()[i * k3 + j], DC_TOL + 1e-6, "f_dc " + i);
            }
            for (int j = 3; j < k3; j++) {
                assertEquals(a.sh()[i * k3 + j], b.sh()[i * k3 + j], SH_TOL + 1e-7, "SH " + i + "," + j);
            }
            assertEquals(a.opacities()[i], b.opacities()[i], OPACITY_TOL + 1e-7, "opacity " + i);
            double[] q = new double[4];
            for (int j = 0; j < 4; j++) {
                q[j] = a.rotations()[i * 4 + j];
            }
            double[] got = aligned(b.rotations(), i * 4, q);
            if (version >= 3) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(q[j], got[j], S3_TOL + 1e-6, "rotation " + i);
                }
            } else {
                // x, y, z within half a step; w derived: |Δw| ≤ Δ(|xyz|²)/w
                double d2 = 0;
                for (int j = 1; j < 4; j++) {
                    assertEquals(q[j], got[j], V2_STEP_HALF + 1e-6, "rotation " + i);
                    d2 += 2 * Math.abs(q[j]) * V2_STEP_HALF + V2_STEP_HALF * V2_STEP_HALF;
                }
                assertEquals(q[0], got[0], d2 / Math.abs(q[0]) + 1e-6, "rotation w " + i);
            }
        }
    }

    @Test
    void roundTripsAllVersionsAndDegrees() throws IOException {
        for (int version = 2; version <= 4; version++) {
            for (int degree = 0; degree <= 3; degree++) {
                GaussianCloud c = randomCloud(300, degree, 31L * version + degree, version == 2 ? 0.5 : 0);
                byte[] file = write(new SpzFormat(version, 12, false), c);
                SpzFormat.Header h = SpzFormat.readHeader(file, "rt");
                assertEquals(version, h.version());
                assertEquals(12, h.fractionalBits());
                assertEquals(degree, h.shDegree());
                if (version == 4) {
                    assertEquals(degree == 0 ? 5 : 6, file[15], "stream count");
                } else {
                    assertEquals(0x1f, file[0] & 0xff);
                    assertEquals(16 + 300 * SpzFormat.bytesPerPoint(version, degree), gunzip(file).length);
                }
                GaussianCloud back = new SpzFormat().read(file, "rt");
                assertWithinQuantisation(c, back, version, 12);
                // quantised data is a fixed point of the round trip, except that a smallest-three rotation
                // whose largest two components nearly tie may pick the other one as the largest
                byte[] again = write(new SpzFormat(version, 12, false), back);
                byte[] a = arrays(file);
                byte[] b = arrays(again);
                assertEquals(a.length, b.length);
                int rot = 16 * 300, rotEnd = rot + (version >= 3 ? 4 : 3) * 300;
                int swapped = 0;
                for (int i = 0; i < a.length; i++) {
                    if (a[i] == b[i]) {
                        continue;
                    }
                    String where = "v" + version + " SH" + degree + " byte " + i;
                    assertTrue(version >= 3 && i >= rot && i < rotEnd, where);
                    int w = rot + (i - rot) / 4 * 4;
                    assertTrue(((a[w + 3] & 0xff) >>> 6) != ((b[w + 3] & 0xff) >>> 6), where + ": same index");
                    swapped++;
                }
                assertTrue(swapped <= 12, swapped + " rotation bytes changed");
            }
        }
    }

    @Test
    void emptyCloudRoundTrips() throws IOException {
        for (int version = 2; version <= 4; version++) {
            GaussianCloud back = new SpzFormat().read(write(new SpzFormat(version, 12, false),
                    new GaussianCloud(0, 2)), "empty");
            assertEquals(0, back.size());
            assertEquals(2, back.shDegree());
        }
    }

    @Test
    void writerClampsIntoTheFormatsRanges() throws IOException {
        GaussianCloud c = new GaussianCloud(1, 1);
        c.set(0, new float[] {0, 0, 0}, new float[] {1e-9f, 1e9f, 0f}, new float[] {1, 0, 0, 0}, 1.5f);
        c.sh()[0] = 10;
        c.sh()[1] = -10;
        c.sh()[3] = 5;
        c.sh()[4] = -5;
        GaussianCloud back = new SpzFormat().read(write(new SpzFormat(), c), "clamp");
        assertEquals(Math.exp(-10), back.scales()[0], 1e-9);
        assertEquals(Math.exp(255 / 16.0 - 10), back.scales()[1], 1e-3);
        assertEquals(Math.exp(-10), back.scales()[2], 1e-9);
        assertEquals(1f, back.opacities()[0]);
        assertEquals(127.5 / (0.15 * 255), back.sh()[0], 1e-5);
        assertEquals(-127.5 / (0.15 * 255), back.sh()[1], 1e-5);
        assertEquals(127 / 128.0, back.sh()[3], 0);
        assertEquals(-1, back.sh()[4], 0);
    }

    @Test
    void largeCoordinatesGetFewerFractionalBits() throws IOException {
        GaussianCloud c = randomCloud(20, 0, 5, 0);
        c.positions()[7] = -5000.25f; // needs 5000.25·2^fb ≤ 2^23 − 1: fb = 10
        byte[] file = write(new SpzFormat(), c);
        assertEquals(10, SpzFormat.readHeader(file, "big").fractionalBits());
        assertWithinQuantisation(c, new SpzFormat().read(file, "big"), 3, 10);

        c.positions()[7] = 8_388_607f; // the largest value 24 bits hold with fb = 0
        assertEquals(0, SpzFormat.readHeader(write(new SpzFormat(), c), "big").fractionalBits());
        c.positions()[7] = 8_388_608f;
        assertThrows(IllegalArgumentException.class, () -> write(new SpzFormat(), c));

        // and more than 12 when asked for
        GaussianCloud small = randomCloud(20, 0, 6, 0);
        for (int i = 0; i < small.positions().length; i++) {
            small.positions()[i] /= 100;
        }
        byte[] fine = write(new SpzFormat(3, 16, false), small);
        assertEquals(16, SpzFormat.readHeader(fine, "fine").fractionalBits());
        assertWithinQuantisation(small, new SpzFormat().read(fine, "fine"), 3, 16);
    }

    @Test
    void writerRejectsNonFiniteValuesAndKeepsTheStreamOpen() throws IOException {
        GaussianCloud c = randomCloud(3, 1, 7, 0);
        c.sh()[20] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> write(new SpzFormat(), c));
        assertTrue(e.getMessage().contains("splat 1"), e.getMessage());
        c.sh()[20] = 0;
        boolean[] closed = {false};
        ByteArrayOutputStream bos = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        for (int v = 2; v <= 4; v++) {
            new SpzFormat(v, 12, true).write(c, bos);
            assertFalse(closed[0], "v" + v + " closed the caller's stream");
        }
        assertThrows(IllegalArgumentException.class, () -> new SpzFormat(1, 12, false));
        assertThrows(IllegalArgumentException.class, () -> new SpzFormat(3, 24, false));
    }

    @Test
    void formatBasics() {
        SpzFormat f = new SpzFormat();
        assertEquals("spz", f.extension());
        assertEquals(SplatFrame.RUB, f.nativeFrame());
    }
}
