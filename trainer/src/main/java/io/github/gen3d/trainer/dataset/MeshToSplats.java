package io.github.gen3d.trainer.dataset;

import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.splat.GaussianCloud;

/**
 * Converts a triangle mesh into a cloud of flat Gaussians lying on its surface, for rendering props with the
 * project's splat rasterizer. Points are drawn area-weighted over the triangles (uniform on the surface), each splat
 * is a disc in the triangle's plane (its local z axis along the face normal), with radius so that the discs cover
 * the surface, and its colour interpolated from the vertex colours, optionally with Lambert shading baked in.
 */
public final class MeshToSplats {
    /** Disc thickness relative to its radius. */
    static final float THICKNESS = 0.05f;
    /** Disc radius relative to {@code sqrt(area / count)}, the spacing of the samples. */
    static final float COVER = 0.8f;
    /** Ambient share of the baked lighting. */
    static final float AMBIENT = 0.35f;

    private MeshToSplats() {
    }

    /**
     * Samples {@code count} flat splats on the surface.
     *
     * @param mesh the mesh (not null, unaffected; must have positive area when count &gt; 0)
     * @param count number of splats (≥ 0, at most 10,000,000)
     * @param seed random seed (same inputs → identical cloud)
     * @param light direction towards the light for baked Lambert shading
     *        {@code colour·(AMBIENT + (1 − AMBIENT)·max(0, n·l))} (3 floats, need not be unit, unaffected), or null
     *        for unlit vertex colours
     * @return a new degree-0 cloud, opacity 1 (not null)
     * @throws IllegalArgumentException on a null mesh, a count out of range, a mesh without area, or a light that
     *         is not 3 finite floats with non-zero length
     */
    public static GaussianCloud sample(TriangleMesh mesh, int count, long seed, float[] light) {
        if (mesh == null) {
            throw new IllegalArgumentException("mesh must not be null");
        }
        if (count < 0 || count > 10_000_000) {
            throw new IllegalArgumentException("count must be in 0..10000000, got " + count);
        }
        float[] l = null;
        if (light != null) {
            float len = light.length == 3
                    ? (float) Math.sqrt(light[0] * light[0] + light[1] * light[1] + light[2] * light[2]) : 0;
            if (!(len > 0) || Float.isInfinite(len)) {
                throw new IllegalArgumentException("light must be 3 finite floats, not all zero");
            }
            l = new float[] {light[0] / len, light[1] / len, light[2] / len};
        }
        float[] p = mesh.positions();
        float[] c = mesh.colours();
        int[] idx = mesh.indices();
        int tris = idx.length / 3;
        double[] cum = new double[tris];
        double total = 0;
        float[][] faceN = new float[tris][];
        for (int t = 0; t < tris; t++) {
            faceN[t] = faceNormal(p, idx[3 * t], idx[3 * t + 1], idx[3 * t + 2]);
            total += faceN[t][3];
            cum[t] = total;
        }
        GaussianCloud cloud = new GaussianCloud(count, 0);
        if (count == 0) {
            return cloud;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("mesh has no surface area to sample");
        }
        float radius = COVER * (float) Math.sqrt(total / count);
        float[] scale = {radius, radius, radius * THICKNESS};
        Rng rng = new Rng(seed);
        float[] pos = new float[3];
        float[] q = new float[4];
        for (int i = 0; i < count; i++) {
            int t = pick(cum, rng.nextDouble() * total);
            double u = Math.sqrt(rng.nextDouble());
            double v = rng.nextDouble();
            float wa = (float) (1 - u), wb = (float) (u * (1 - v)), wc = (float) (u * v);
            int a = idx[3 * t], b = idx[3 * t + 1], cc = idx[3 * t + 2];
            for (int k = 0; k < 3; k++) {
                pos[k] = wa * p[3 * a + k] + wb * p[3 * b + k] + wc * p[3 * cc + k];
            }
            float[] n = faceN[t];
            rotationZTo(n, q);
            cloud.set(i, pos, scale, q, 1f);
            float shade = 1f;
            if (l != null) {
                shade = AMBIENT + (1 - AMBIENT) * Math.max(0f, n[0] * l[0] + n[1] * l[1] + n[2] * l[2]);
            }
            cloud.setColour(i, shade * (wa * c[4 * a] + wb * c[4 * b] + wc * c[4 * cc]),
                    shade * (wa * c[4 * a + 1] + wb * c[4 * b + 1] + wc * c[4 * cc + 1]),
                    shade * (wa * c[4 * a + 2] + wb * c[4 * b + 2] + wc * c[4 * cc + 2]));
        }
        return cloud;
    }

    /** Unit face normal (xyz) and area (w) of triangle abc; zero normal for a degenerate triangle. */
    static float[] faceNormal(float[] p, int a, int b, int c) {
        double ux = p[3 * b] - p[3 * a], uy = p[3 * b + 1] - p[3 * a + 1], uz = p[3 * b + 2] - p[3 * a + 2];
        double vx = p[3 * c] - p[3 * a], vy = p[3 * c + 1] - p[3 * a + 1], vz = p[3 * c + 2] - p[3 * a + 2];
        double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
        double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
        if (len == 0) {
            return new float[] {0, 0, 1, 0};
        }
        return new float[] {(float) (nx / len), (float) (ny / len), (float) (nz / len), (float) (len / 2)};
    }

    /** First index whose cumulative area exceeds {@code x} (binary search). */
    static int pick(double[] cum, double x) {
        int lo = 0, hi = cum.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cum[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The shortest-arc quaternion (w, x, y, z) turning +Z onto the unit vector n. */
    static void rotationZTo(float[] n, float[] q) {
        if (n[2] < -0.999999f) {
            q[0] = 0;
            q[1] = 1;
            q[2] = 0;
            q[3] = 0;
            return;
        }
        // axis z × n = (−ny, nx, 0), w = 1 + cos; normalised by GaussianCloud.set
        q[0] = 1 + n[2];
        q[1] = -n[1];
        q[2] = n[0];
        q[3] = 0;
    }
}
