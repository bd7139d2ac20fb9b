package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Independent helpers for the format tests: a tiny PLY header reader, random clouds, range checks. */
final class SplatTestSupport {
    static final float C0 = 0.28209479177387814f;

    private SplatTestSupport() {
    }

    /**
     * A minimal reader for float-only binary little-endian PLY files with one vertex element first, written for
     * the tests only (so the expectations do not come from the code under test).
     */
    static final class RawPly {
        final byte[] data;
        final int headerLength;
        final int count;
        final List<String> names = new ArrayList<>();
        final ByteBuffer buf;

        RawPly(byte[] data) {
            this.data = data;
            String text = new String(data, 0, Math.min(data.length, 65536), StandardCharsets.ISO_8859_1);
            int end = text.indexOf("end_header\n");
            assertTrue(end > 0, "no end_header");
            headerLength = end + "end_header\n".length();
            int n = -1;
            for (String line : text.substring(0, end).split("\n")) {
                String[] t = line.trim().split(" ");
                if (t[0].equals("element")) {
                    assertEquals("vertex", t[1], "test reader handles a single vertex element only");
                    n = Integer.parseInt(t[2]);
                } else if (t[0].equals("property")) {
                    assertEquals("float", t[1], "test reader handles float properties only");
                    names.add(t[2]);
                } else {
                    assertTrue(t[0].equals("ply") || t[0].equals("format") || t[0].equals("comment"), line);
                }
            }
            count = n;
            buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        }

        int stride() {
            return names.size() * 4;
        }

        boolean has(String prop) {
            return names.contains(prop);
        }

        float get(int i, String prop) {
            int j = names.indexOf(prop);
            assertTrue(j >= 0, "no property " + prop);
            return buf.getFloat(headerLength + i * stride() + j * 4);
        }

        int restCount() {
            int r = 0;
            for (String s : names) {
                if (s.startsWith("f_rest_")) {
                    r++;
                }
            }
            return r;
        }
    }

    /** A random, valid cloud. */
    static GaussianCloud randomCloud(long seed, int n, int degree) {
        Random r = new Random(seed);
        GaussianCloud c = new GaussianCloud(n, degree);
        for (int i = 0; i < n; i++) {
            float[] p = {(float) r.nextGaussian() * 3, (float) r.nextGaussian() * 3, (float) r.nextGaussian() * 3};
            float[] s = {(float) Math.exp(r.nextGaussian() - 3), (float) Math.exp(r.nextGaussian() - 3),
                (float) Math.exp(r.nextGaussian() - 3)};
            float[] q = {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian(),
                (float) r.nextGaussian()};
            c.set(i, p, s, q, 0.02f + 0.96f * r.nextFloat());
        }
        float[] sh = c.sh();
        int k = c.shCoefficients();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k * 3; j++) {
                sh[i * k * 3 + j] = (float) (j < 3 ? r.nextGaussian() * 0.8 : r.nextGaussian() * 0.2);
            }
        }
        return c;
    }

    /** Checks value ranges of a cloud read from a real file. */
    static void assertPlausible(GaussianCloud c, String what) {
        float[] p = c.positions(), s = c.scales(), q = c.rotations(), o = c.opacities(), sh = c.sh();
        for (int i = 0; i < c.size(); i++) {
            for (int j = 0; j < 3; j++) {
                assertTrue(Float.isFinite(p[i * 3 + j]) && Math.abs(p[i * 3 + j]) < 1e4, what + " position " + i);
                float sc = s[i * 3 + j];
                assertTrue(sc > 0 && sc < 1e3, what + " scale " + i + " = " + sc);
            }
            double qn = 0;
            for (int j = 0; j < 4; j++) {
                qn += (double) q[i * 4 + j] * q[i * 4 + j];
            }
            assertEquals(1.0, Math.sqrt(qn), 1e-5, what + " quaternion norm " + i);
            assertTrue(o[i] >= 0 && o[i] <= 1, what + " opacity " + i + " = " + o[i]);
        }
        for (int j = 0; j < sh.length; j++) {
            assertTrue(Float.isFinite(sh[j]) && Math.abs(sh[j]) < 20, what + " sh[" + j + "] = " + sh[j]);
        }
        int k3 = c.shCoefficients() * 3;
        for (int i = 0; i < c.size(); i++) {
            for (int ch = 0; ch < 3; ch++) {
                float col = 0.5f + C0 * sh[i * k3 + ch];
                assertTrue(col > -3 && col < 4, what + " base colour " + i + " = " + col);
            }
        }
    }

    /** Rotation matrix (row-major) of a w,x,y,z unit quaternion, by the textbook formula. */
    static double[] matrix(float[] q, int i) {
        double w = q[i * 4], x = q[i * 4 + 1], y = q[i * 4 + 2], z = q[i * 4 + 3];
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
    }

    /** Asserts two w,x,y,z quaternions equal up to sign. */
    static void assertSameRotation(float[] a, int ia, float[] b, int ib, double tol, String what) {
        double dot = 0;
        for (int j = 0; j < 4; j++) {
            dot += (double) a[ia * 4 + j] * b[ib * 4 + j];
        }
        double sign = dot < 0 ? -1 : 1;
        for (int j = 0; j < 4; j++) {
            assertEquals(a[ia * 4 + j], sign * b[ib * 4 + j], tol, what + " component " + j);
        }
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
