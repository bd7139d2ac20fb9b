package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.bounding.BoundingBox;
import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GaussianCloudTest {

    static GaussianCloud random(int n, int degree, long seed) {
        Random r = new Random(seed);
        GaussianCloud c = new GaussianCloud(n, degree);
        for (int i = 0; i < n; i++) {
            c.set(i, new float[] {r.nextFloat() - .5f, r.nextFloat() - .5f, r.nextFloat() - .5f},
                    new float[] {.01f + r.nextFloat() * .05f, .01f + r.nextFloat() * .05f, .01f + r.nextFloat() * .05f},
                    new float[] {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian(),
                        (float) r.nextGaussian()}, r.nextFloat());
        }
        for (int j = 0; j < c.sh().length; j++) {
            c.sh()[j] = (float) r.nextGaussian() * 0.3f;
        }
        return c;
    }

    @Test
    void layoutAndColour() {
        GaussianCloud c = new GaussianCloud(2, 1);
        assertEquals(4, c.shCoefficients());
        assertEquals(2 * 4 * 3, c.sh().length);
        assertEquals(1f, c.rotations()[4]); // identity w of splat 1
        c.setColour(1, 0.9f, 0.2f, 0.5f);
        // DC of splat 1 starts at (1·K + 0)·3
        assertEquals(0.9f, 0.5f + SphericalHarmonics.C0 * c.sh()[12], 1e-6f);
        assertEquals(0.2f, 0.5f + SphericalHarmonics.C0 * c.sh()[13], 1e-6f);
        assertEquals(0.5f, 0.5f + SphericalHarmonics.C0 * c.sh()[14], 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new GaussianCloud(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new GaussianCloud(1, 4));
        assertThrows(IllegalArgumentException.class, () -> new GaussianCloud(Integer.MAX_VALUE / 2, 3));
    }

    @Test
    void boundsSkipNonFinite() {
        GaussianCloud c = new GaussianCloud(3, 0);
        c.positions()[0] = -1;
        c.positions()[4] = 2;
        c.positions()[6] = Float.NaN;
        BoundingBox b = c.bounds();
        assertEquals(-1f, b.getMin(null).x);
        assertEquals(2f, b.getMax(null).y);
    }

    /**
     * Rotating the cloud must rotate view-dependent colour with it: the colour seen from direction R·d after the
     * rotation equals the colour seen from d before, for every SH degree.
     */
    @Test
    void transformRotatesShWithTheObject() {
        for (int degree = 0; degree <= 3; degree++) {
            GaussianCloud c = random(5, degree, 7 + degree);
            GaussianCloud t = c.copy();
            Quaternion q = new Quaternion().fromAngles(0.3f, -1.1f, 2.0f);
            Transform tr = new Transform(new Vector3f(1, 2, 3), q, new Vector3f(2, 2, 2));
            t.transformInPlace(tr);
            double[] scratch = new double[16];
            float[] before = new float[3], after = new float[3];
            Random r = new Random(3);
            for (int trial = 0; trial < 20; trial++) {
                Vector3f d = new Vector3f((float) r.nextGaussian(), (float) r.nextGaussian(),
                        (float) r.nextGaussian()).normalizeLocal();
                Vector3f rd = q.mult(d);
                for (int i = 0; i < c.size(); i++) {
                    SphericalHarmonics.colour(c, i, d.x, d.y, d.z, scratch, before);
                    SphericalHarmonics.colour(t, i, rd.x, rd.y, rd.z, scratch, after);
                    for (int ch = 0; ch < 3; ch++) {
                        assertEquals(before[ch], after[ch], 2e-4, "degree " + degree);
                    }
                }
            }
            // positions: p' = 2·R·p + T
            Vector3f p0 = new Vector3f(c.positions()[0], c.positions()[1], c.positions()[2]);
            Vector3f expect = q.mult(p0).multLocal(2).addLocal(1, 2, 3);
            assertEquals(expect.x, t.positions()[0], 1e-5f);
            assertEquals(expect.y, t.positions()[1], 1e-5f);
            assertEquals(expect.z, t.positions()[2], 1e-5f);
            assertEquals(c.scales()[0] * 2, t.scales()[0], 1e-6f);
            // rotation composes: R · q_i (compare as rotation of a vector)
            Quaternion qi = new Quaternion(c.rotations()[1], c.rotations()[2], c.rotations()[3], c.rotations()[0]);
            Quaternion qt = new Quaternion(t.rotations()[1], t.rotations()[2], t.rotations()[3], t.rotations()[0]);
            Vector3f v = new Vector3f(0.2f, -0.7f, 0.4f);
            Vector3f a = q.mult(qi.mult(v)), b = qt.mult(v);
            assertTrue(a.distance(b) < 1e-5f, a + " vs " + b);
        }
        assertThrows(IllegalArgumentException.class,
                () -> random(1, 0, 1).transformInPlace(new Transform(Vector3f.ZERO, Quaternion.IDENTITY,
                        new Vector3f(1, 2, 1))));
    }

    /** RDF→RUB is a 180° turn about X: y and z negate, and SH colour follows (seen from the turned direction). */
    @Test
    void frameConversionIsTurnAboutX() {
        GaussianCloud c = random(4, 3, 11);
        GaussianCloud t = c.copy();
        SplatFrame.RDF.convert(t, SplatFrame.RUB);
        for (int i = 0; i < c.size(); i++) {
            assertEquals(c.positions()[i * 3], t.positions()[i * 3]);
            assertEquals(-c.positions()[i * 3 + 1], t.positions()[i * 3 + 1], 1e-7f);
            assertEquals(-c.positions()[i * 3 + 2], t.positions()[i * 3 + 2], 1e-7f);
            // quaternion: turn about x composes as (w,x,y,z) → (−x, w, −z, y) up to sign
            float w = c.rotations()[i * 4], x = c.rotations()[i * 4 + 1], y = c.rotations()[i * 4 + 2],
                    z = c.rotations()[i * 4 + 3];
            float[] exp = {-x, w, -z, y};
            float sign = Math.signum(exp[1]) == Math.signum(t.rotations()[i * 4 + 1]) ? 1 : -1;
            for (int j = 0; j < 4; j++) {
                assertEquals(exp[j] * sign, t.rotations()[i * 4 + j], 1e-5f);
            }
        }
        // band 1 (Y ∝ −y, z, −x): under (x,y,z)→(x,−y,−z) coefficients 1 and 2 flip sign, 3 stays
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(-c.sh()[3 + ch], t.sh()[3 + ch], 1e-5f);
            assertEquals(-c.sh()[6 + ch], t.sh()[6 + ch], 1e-5f);
            assertEquals(c.sh()[9 + ch], t.sh()[9 + ch], 1e-5f);
        }
        SplatFrame.RUB.convert(t, SplatFrame.RDF);
        for (int j = 0; j < c.sh().length; j++) {
            assertEquals(c.sh()[j], t.sh()[j], 1e-5f);
        }
    }

    @Test
    void sanitizeCountsAndRepairs() {
        GaussianCloud c = random(6, 1, 5);
        c.positions()[3] = Float.NaN; // splat 1: dropped
        c.scales()[6] = -0.5f; // splat 2: repaired to 0.5
        c.rotations()[12] = 0; // splat 3: zero quaternion, dropped
        c.rotations()[13] = 0;
        c.rotations()[14] = 0;
        c.rotations()[15] = 0;
        c.opacities()[4] = 1.5f; // splat 4: clamped
        c.sh()[5 * 12 + 4] = Float.POSITIVE_INFINITY; // splat 5: SH zeroed
        GaussianCloud.Validation v = c.validate();
        assertFalse(v.isClean());
        assertNull(v.cleaned());
        assertEquals(1, v.nonFinitePositions());
        assertEquals(1, v.badScales());
        assertEquals(1, v.badRotations());
        assertEquals(1, v.badOpacities());
        assertEquals(1, v.nonFiniteSh());
        assertEquals(2, v.unrecoverable());
        GaussianCloud.Validation s = c.sanitize();
        GaussianCloud clean = s.cleaned();
        assertEquals(4, clean.size());
        assertTrue(clean.validate().isClean(), clean.validate().toString());
        assertEquals(0.5f, clean.scales()[3], 1e-7f); // old splat 2 is now index 1
        assertEquals(1f, clean.opacities()[2]);
        assertEquals(0f, clean.sh()[3 * 12 + 4]);
        assertTrue(Float.isNaN(c.positions()[3]), "sanitize must not modify the original");
    }

    @Test
    void subsetAndDegreeChange() {
        GaussianCloud c = random(5, 2, 9);
        GaussianCloud s = c.subset(new int[] {4, 0});
        assertEquals(2, s.size());
        assertEquals(c.positions()[12], s.positions()[0]);
        assertEquals(c.sh()[4 * 27 + 26], s.sh()[26]);
        GaussianCloud up = c.withShDegree(3);
        assertEquals(c.sh()[27 + 5], up.sh()[48 + 5]);
        assertEquals(0f, up.sh()[48 + 27 + 1]);
        GaussianCloud down = c.withShDegree(0);
        assertEquals(c.sh()[27 + 2], down.sh()[3 + 2]);
        assertEquals(c, c.copy());
    }
}
