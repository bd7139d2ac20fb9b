package io.github.gen3d.trainer.eval;

import io.github.gen3d.mesh.TriangleMesh;
import java.util.SplittableRandom;

/**
 * Point-cloud helpers for the mesh metrics: unit-cube normalisation and area-weighted surface sampling. Point clouds
 * are flat float arrays, xyz per point ({@code 3·count} floats).
 */
public final class PointClouds {
    private PointClouds() {
    }

    /**
     * Returns a normalised copy: the axis-aligned bounding box is centred at the origin and uniformly scaled so that
     * its longest side is 1 (the points then lie in [−0.5, 0.5]³). If all points coincide (longest side 0) they are
     * only translated to the origin.
     *
     * @param points xyz per point (not null, unaffected; length a multiple of 3)
     * @return a new array of the same length (empty in, empty out)
     * @throws IllegalArgumentException if the length is not a multiple of 3 or a coordinate is not finite
     */
    public static float[] normaliseToUnitCube(float[] points) {
        checkPoints(points, "points");
        return applyUnitCube(points, unitCubeTransform(points, null));
    }

    /**
     * The unit-cube normalisation of a bounding box: {@code {centreX, centreY, centreZ, scale}} such that
     * {@code (p − centre)·scale} maps the box into [−0.5, 0.5]³ with its longest side 1.
     *
     * @param points xyz per point (not null, unaffected)
     * @param indices if not null, only the points these indices name count (a mesh's triangle corners)
     * @return a new array of 4 doubles; centre 0 and scale 1 for no points
     */
    static double[] unitCubeTransform(float[] points, int[] indices) {
        double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        int count = indices == null ? points.length / 3 : indices.length;
        if (count == 0) {
            return new double[] {0, 0, 0, 1};
        }
        for (int k = 0; k < count; k++) {
            int p = 3 * (indices == null ? k : indices[k]);
            for (int a = 0; a < 3; a++) {
                lo[a] = Math.min(lo[a], points[p + a]);
                hi[a] = Math.max(hi[a], points[p + a]);
            }
        }
        double longest = Math.max(hi[0] - lo[0], Math.max(hi[1] - lo[1], hi[2] - lo[2]));
        double scale = longest > 0 ? 1.0 / longest : 1.0;
        return new double[] {0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1]), 0.5 * (lo[2] + hi[2]), scale};
    }

    /** Applies a {@link #unitCubeTransform} to a copy of {@code points}. */
    static float[] applyUnitCube(float[] points, double[] t) {
        float[] out = new float[points.length];
        for (int i = 0; i < points.length; i += 3) {
            out[i] = (float) ((points[i] - t[0]) * t[3]);
            out[i + 1] = (float) ((points[i + 1] - t[1]) * t[3]);
            out[i + 2] = (float) ((points[i + 2] - t[2]) * t[3]);
        }
        return out;
    }

    /**
     * Samples points uniformly on the mesh surface: a triangle is chosen with probability proportional to its area,
     * then a uniform point inside it ({@code a + s(b − a) + t(c − a)} by the square-root method). Deterministic for
     * a given mesh, count and seed ({@link SplittableRandom}). If every triangle has zero area, triangles are chosen
     * with equal probability instead.
     *
     * @param mesh the mesh (not null, unaffected)
     * @param count number of points (at least 0)
     * @param seed random seed
     * @return xyz per point, {@code 3·count} floats; empty if the mesh has no triangles
     * @throws IllegalArgumentException if {@code mesh} is null or {@code count} is negative
     */
    public static float[] sampleSurface(TriangleMesh mesh, int count, long seed) {
        if (mesh == null) {
            throw new IllegalArgumentException("mesh is null");
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be at least 0, got " + count);
        }
        int triangles = mesh.triangleCount();
        if (triangles == 0 || count == 0) {
            return new float[0];
        }
        float[] pos = mesh.positions();
        int[] idx = mesh.indices();
        double[] cumulative = new double[triangles];
        double total = 0;
        for (int t = 0; t < triangles; t++) {
            total += triangleArea(pos, idx[3 * t], idx[3 * t + 1], idx[3 * t + 2]);
            cumulative[t] = total;
        }
        boolean uniform = !(total > 0);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[3 * count];
        for (int i = 0; i < count; i++) {
            int t = uniform ? rng.nextInt(triangles) : pick(cumulative, rng.nextDouble() * total);
            double r1 = Math.sqrt(rng.nextDouble());
            double r2 = rng.nextDouble();
            double wa = 1 - r1, wb = r1 * (1 - r2), wc = r1 * r2;
            int a = 3 * idx[3 * t], b = 3 * idx[3 * t + 1], c = 3 * idx[3 * t + 2];
            for (int k = 0; k < 3; k++) {
                out[3 * i + k] = (float) (wa * pos[a + k] + wb * pos[b + k] + wc * pos[c + k]);
            }
        }
        return out;
    }

    /** First index whose cumulative area exceeds {@code u} (clamped to the last triangle). */
    private static int pick(double[] cumulative, double u) {
        int lo = 0, hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static double triangleArea(float[] p, int ia, int ib, int ic) {
        int a = 3 * ia, b = 3 * ib, c = 3 * ic;
        double ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
        double vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
        double cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
        return 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
    }

    /** Validates a flat xyz array. */
    static void checkPoints(float[] points, String name) {
        if (points == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (points.length % 3 != 0) {
            throw new IllegalArgumentException(name + " length " + points.length + " is not a multiple of 3");
        }
        for (int i = 0; i < points.length; i++) {
            if (!Float.isFinite(points[i])) {
                throw new IllegalArgumentException(name + " has a non-finite coordinate " + points[i] + " at " + i);
            }
        }
    }
}
