package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.splat.GaussianCloud;
import java.util.Random;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class MeshExtractorTest {
    private static final Logger LOG = Logger.getLogger(MeshExtractorTest.class.getName());
    static final MeshExtractor.Settings TEST = MeshExtractor.Settings.defaults().withViews(12, 128).withResolution(96);

    /** Chamfer distance (mean both ways) and F-score at tau between a mesh and an analytic surface. */
    record Quality(double chamfer, double precision, double recall, double fscore) {
    }

    static Quality quality(TriangleMesh m, AnalyticShape s, double tau) {
        float[] p = m.positions();
        int nv = m.vertexCount();
        double sumA = 0;
        int good = 0;
        for (int i = 0; i < nv; i++) {
            double d = Math.abs(s.sdf(p[3 * i], p[3 * i + 1], p[3 * i + 2]));
            sumA += d;
            good += d < tau ? 1 : 0;
        }
        // surface → mesh: nearest mesh vertex through a uniform hash grid of cell tau
        java.util.Map<Long, java.util.List<Integer>> grid = new java.util.HashMap<>();
        for (int i = 0; i < nv; i++) {
            grid.computeIfAbsent(key(p[3 * i], p[3 * i + 1], p[3 * i + 2], tau), k -> new java.util.ArrayList<>())
                    .add(i);
        }
        Random r = new Random(3);
        int samples = 4000, hit = 0;
        double sumB = 0;
        double[] q = new double[3], n = new double[3];
        for (int k = 0; k < samples; k++) {
            s.sample(r, q, n);
            double best = Double.POSITIVE_INFINITY;
            for (int ring = 1; ring <= 8 && !(best < (ring - 1) * tau); ring++) {
                long cx = (long) Math.floor(q[0] / tau), cy = (long) Math.floor(q[1] / tau);
                long cz = (long) Math.floor(q[2] / tau);
                for (long dx = -ring; dx <= ring; dx++) {
                    for (long dy = -ring; dy <= ring; dy++) {
                        for (long dz = -ring; dz <= ring; dz++) {
                            java.util.List<Integer> cell = grid.get(pack(cx + dx, cy + dy, cz + dz));
                            if (cell == null) {
                                continue;
                            }
                            for (int i : cell) {
                                double ex = p[3 * i] - q[0], ey = p[3 * i + 1] - q[1], ez = p[3 * i + 2] - q[2];
                                best = Math.min(best, Math.sqrt(ex * ex + ey * ey + ez * ez));
                            }
                        }
                    }
                }
            }
            best = Math.min(best, 8 * tau);
            sumB += best;
            hit += best < tau ? 1 : 0;
        }
        double prec = nv == 0 ? 0 : good / (double) nv, rec = hit / (double) samples;
        double f = prec + rec == 0 ? 0 : 2 * prec * rec / (prec + rec);
        return new Quality(sumA / Math.max(1, nv) + sumB / samples, prec, rec, f);
    }

    private static long key(double x, double y, double z, double tau) {
        return pack((long) Math.floor(x / tau), (long) Math.floor(y / tau), (long) Math.floor(z / tau));
    }

    private static long pack(long x, long y, long z) {
        return ((x & 0x1FFFFF) << 42) | ((y & 0x1FFFFF) << 21) | (z & 0x1FFFFF);
    }

    private static Quality check(String name, AnalyticShape s, int splats, double maxChamferFrac, double minF) {
        return check(name, s, splats, TEST, 0.02, maxChamferFrac, minF);
    }

    static Quality check(String name, AnalyticShape s, int splats, MeshExtractor.Settings st, double tauFrac,
            double maxChamferFrac, double minF) {
        TriangleMesh m = MeshExtractor.extract(s.splats(splats, 11), st);
        double tau = tauFrac * s.diagonal();
        Quality q = quality(m, s, tau);
        LOG.info(name + ": " + m + " " + q + " (tau " + tau + ")");
        assertNull(MeshChecks.watertightProblem(m), name);
        assertTrue(m.signedVolume() > 0, name + " volume must be positive (outward winding)");
        assertTrue(q.chamfer() < maxChamferFrac * s.diagonal(), name + " chamfer " + q);
        assertTrue(q.fscore() > minF, name + " F-score " + q);
        return q;
    }

    // Test settings (12 views of 128², 96³): the rasterizer's depth is each splat's centre depth, and the
    // antialiasing footprint of about a pixel makes the front-most covering splat win, so the depth maps sit in
    // front of the true surface by up to about a pixel at oblique views (~0.016 here, measured ~1 voxel on
    // average). Hence 2.5% of the diagonal for Chamfer and F-score at tau = 2%; the finer run below meets 1%.

    @Test
    void sphereFromGaussians() {
        check("sphere", AnalyticShape.sphere(0.5), 20000, 0.025, 0.95);
    }

    @Test
    void boxFromGaussians() {
        check("box", AnalyticShape.box(0.45, 0.3, 0.35), 20000, 0.025, 0.95);
    }

    @Test
    void torusFromGaussians() {
        check("torus", AnalyticShape.torus(0.45, 0.18), 20000, 0.025, 0.95);
    }

    /** Default view count at 256² and a 192³ volume: Chamfer under 1% of the diagonal, F-score at 1% above 0.98. */
    @Test
    void finerSettingsMeetOnePercent() {
        MeshExtractor.Settings st = MeshExtractor.Settings.defaults().withViews(24, 256).withResolution(192);
        check("torus-fine", AnalyticShape.torus(0.45, 0.18), 40000, st, 0.01, 0.01, 0.98);
        check("box-fine", AnalyticShape.box(0.45, 0.3, 0.35), 40000, st, 0.01, 0.01, 0.98);
    }

    @Test
    void badInputGivesClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> MeshExtractor.extract(new GaussianCloud(0, 0), TEST));
        assertThrows(IllegalArgumentException.class, () -> MeshExtractor.extract(null, TEST));
        GaussianCloud transparent = AnalyticShape.sphere(0.5).splats(500, 1);
        java.util.Arrays.fill(transparent.opacities(), 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeshExtractor.extract(transparent, TEST));
        assertTrue(e.getMessage().contains("transparent"), e.getMessage());
        // faint but not zero: passes the opacity pre-check, then no pixel of any view reaches the alpha threshold
        GaussianCloud faint = AnalyticShape.sphere(0.5).splats(500, 1);
        java.util.Arrays.fill(faint.opacities(), 0.01f);
        e = assertThrows(IllegalArgumentException.class, () -> MeshExtractor.extract(faint, TEST));
        assertTrue(e.getMessage().contains("every view"), e.getMessage());
        GaussianCloud allNan = AnalyticShape.sphere(0.5).splats(100, 1);
        java.util.Arrays.fill(allNan.positions(), Float.NaN);
        assertThrows(IllegalArgumentException.class, () -> MeshExtractor.extract(allNan, TEST));
        e = assertThrows(IllegalArgumentException.class,
                () -> MeshExtractor.extract(AnalyticShape.sphere(0.5).splats(100, 1), TEST.withResolution(5000)));
        assertTrue(e.getMessage().contains("5000"), e.getMessage());
    }

    @Test
    void nanSplatsAreDroppedNotFatal() {
        AnalyticShape s = AnalyticShape.sphere(0.5);
        GaussianCloud c = s.splats(6000, 5);
        for (int i = 0; i < 300; i++) {
            c.positions()[3 * i * 7 % (3 * c.size())] = Float.NaN;
        }
        TriangleMesh m = MeshExtractor.extract(c, TEST.withResolution(64));
        assertNull(MeshChecks.watertightProblem(m));
        Quality q = quality(m, s, 0.02 * s.diagonal());
        assertTrue(q.fscore() > 0.8, q.toString());
    }

    /** Regression: fused splat colours are display values; the mesh must carry linear ones (else lit meshes look pale). */
    @org.junit.jupiter.api.Test
    void meshColoursAreLinear() {
        // hand values of the sRGB decoding: 0 → 0, 0.04 → 0.04/12.92, 0.5 → 0.21404, 1 → 1
        org.junit.jupiter.api.Assertions.assertEquals(0f, MeshExtractor.srgbToLinear(0f));
        org.junit.jupiter.api.Assertions.assertEquals(0.04f / 12.92f, MeshExtractor.srgbToLinear(0.04f), 1e-7f);
        org.junit.jupiter.api.Assertions.assertEquals(0.21404f, MeshExtractor.srgbToLinear(0.5f), 1e-5f);
        org.junit.jupiter.api.Assertions.assertEquals(1f, MeshExtractor.srgbToLinear(1f), 1e-7f);
        TriangleMesh m = new TriangleMesh(new float[9], new float[9],
                new float[] {0.5f, 1f, 0f, 0.7f, 0.2f, 0.2f, 0.2f, 1f, 1f, 1f, 1f, 1f}, new int[] {0, 1, 2});
        TriangleMesh lin = MeshExtractor.toLinearColours(m);
        org.junit.jupiter.api.Assertions.assertEquals(0.21404f, lin.colours()[0], 1e-5f);
        org.junit.jupiter.api.Assertions.assertEquals(0.7f, lin.colours()[3], "alpha is not a colour");
        org.junit.jupiter.api.Assertions.assertEquals(0.5f, m.colours()[0], "the input is not modified");
    }
}
