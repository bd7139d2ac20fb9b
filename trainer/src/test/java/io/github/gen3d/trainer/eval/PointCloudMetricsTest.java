package io.github.gen3d.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PointCloudMetricsTest {
    /** Fibonacci-sphere points of radius r: near-uniform and the same directions for every radius. */
    static float[] fibonacciSphere(int n, double r) {
        float[] out = new float[3 * n];
        double golden = Math.PI * (3 - Math.sqrt(5));
        for (int i = 0; i < n; i++) {
            double y = 1 - 2 * (i + 0.5) / n;
            double s = Math.sqrt(1 - y * y);
            out[3 * i] = (float) (r * s * Math.cos(golden * i));
            out[3 * i + 1] = (float) (r * y);
            out[3 * i + 2] = (float) (r * s * Math.sin(golden * i));
        }
        return out;
    }

    @Test
    void concentricSpheresWithSameDirectionsGiveRadiusDifference() {
        float[] p = fibonacciSphere(3000, 1.0);
        float[] g = fibonacciSphere(3000, 1.05);
        assertEquals(0.05, PointCloudMetrics.chamfer(p, g), 1e-6);
        assertEquals(0.0, PointCloudMetrics.chamfer(p, p.clone()), 0);
    }

    @Test
    void concentricSpheresWithDifferentSamplingApproachRadiusDifference() {
        float[] p = fibonacciSphere(20000, 1.0);
        float[] g = fibonacciSphere(15000, 1.05);
        double c = PointCloudMetrics.chamfer(p, g);
        assertTrue(c >= 0.05 - 1e-6 && c < 0.053, "chamfer " + c);
        // after normalisation both are unit-diameter spheres: only the sampling remains
        double n = PointCloudMetrics.chamfer(PointClouds.normaliseToUnitCube(p), PointClouds.normaliseToUnitCube(g));
        assertTrue(n < 0.008, "normalised chamfer " + n); // about half the sample spacing
    }

    @Test
    void fScoreCountsPointsWithinTau() {
        float[] g = new float[30];
        float[] p = new float[30];
        for (int i = 0; i < 10; i++) {
            g[3 * i] = i; // spaced 1 apart along x
            p[3 * i] = i;
            p[3 * i + 1] = i < 5 ? 0.01f : 0.3f;
        }
        PointCloudMetrics.FScore f = PointCloudMetrics.fScore(p, g, 0.05f);
        assertEquals(0.5, f.precision(), 0);
        assertEquals(0.5, f.recall(), 0);
        assertEquals(0.5, f.fScore(), 1e-12);
        float[] few = java.util.Arrays.copyOf(p, 12); // 4 good points
        PointCloudMetrics.FScore g4 = PointCloudMetrics.fScore(few, g, 0.05f);
        assertEquals(1.0, g4.precision(), 0);
        assertEquals(0.4, g4.recall(), 1e-12);
        assertEquals(2 * 0.4 / 1.4, g4.fScore(), 1e-12);
        PointCloudMetrics.FScore none = PointCloudMetrics.fScore(p, g, 0.005f);
        assertEquals(0.0, none.fScore(), 0);
        assertEquals(1.0, PointCloudMetrics.fScore(p, g, 0.5f).fScore(), 0);
    }

    @Test
    void defaultTauIsFiveHundredths() {
        float[] g = {0, 0, 0, 1, 0, 0};
        float[] p = {0.04f, 0, 0, 1.06f, 0, 0};
        PointCloudMetrics.FScore f = PointCloudMetrics.fScore(p, g);
        assertEquals(0.5, f.precision(), 0);
        assertEquals(0.5, f.recall(), 0);
    }

    @Test
    void gridNearestNeighboursMatchBruteForce() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 12; trial++) {
            int n = 1 + rng.nextInt(3000);
            int m = 1 + rng.nextInt(1500);
            float[] targets = cloud(rng, n, trial % 4);
            float[] queries = cloud(rng, m, (trial + 1) % 4);
            for (int i = 0; i < queries.length; i++) {
                queries[i] *= 1.5f; // some queries fall outside the grid's bounds
            }
            assertArrayEquals(PointCloudMetrics.nearestBruteForce(queries, targets),
                    PointCloudMetrics.nearest(queries, targets), 0, "trial " + trial);
            assertEquals(PointCloudMetrics.chamferBruteForce(queries, targets),
                    PointCloudMetrics.chamfer(queries, targets), 0);
            assertEquals(PointCloudMetrics.fScoreBruteForce(queries, targets, 0.05f),
                    PointCloudMetrics.fScore(queries, targets, 0.05f));
        }
    }

    @Test
    void gridHandlesDegenerateSets() {
        float[] one = {0.3f, 0.3f, 0.3f};
        float[] flat = new float[3 * 200];
        float[] line = new float[3 * 200];
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < 200; i++) {
            flat[3 * i] = (float) rng.nextDouble();
            flat[3 * i + 1] = (float) rng.nextDouble();
            line[3 * i + 2] = (float) rng.nextDouble();
        }
        float[] q = cloud(rng, 300, 0);
        for (float[] t : new float[][] {one, flat, line, new float[6]}) {
            assertArrayEquals(PointCloudMetrics.nearestBruteForce(q, t), PointCloudMetrics.nearest(q, t), 0);
        }
    }

    @Test
    void rejectsEmptyOrBadClouds() {
        float[] a = {0, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> PointCloudMetrics.chamfer(new float[0], a));
        assertThrows(IllegalArgumentException.class, () -> PointCloudMetrics.chamfer(a, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> PointCloudMetrics.chamfer(a, new float[] {0, Float.NaN,
            0}));
        assertThrows(IllegalArgumentException.class, () -> PointCloudMetrics.fScore(a, a, 0));
    }

    /** kind 0: uniform cube; 1: sphere surface; 2: clusters; 3: flat square in z = 0.2. */
    private static float[] cloud(SplittableRandom rng, int n, int kind) {
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double x = rng.nextDouble(-0.5, 0.5), y = rng.nextDouble(-0.5, 0.5), z = rng.nextDouble(-0.5, 0.5);
            switch (kind) {
                case 1 -> {
                    double len = Math.sqrt(x * x + y * y + z * z) + 1e-9;
                    x = 0.5 * x / len;
                    y = 0.5 * y / len;
                    z = 0.5 * z / len;
                }
                case 2 -> {
                    int c = i % 3;
                    x = 0.3 * c - 0.3 + 0.01 * x;
                    y = 0.01 * y;
                    z = 0.2 * c + 0.01 * z;
                }
                case 3 -> z = 0.2;
                default -> {
                }
            }
            out[3 * i] = (float) x;
            out[3 * i + 1] = (float) y;
            out[3 * i + 2] = (float) z;
        }
        return out;
    }
}
