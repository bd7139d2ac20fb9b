package io.github.gen3d.mesh;

import java.util.Arrays;

/**
 * Marching cubes over a regular grid of signed distances, using {@link MarchingCubesTables}.
 *
 * <p>Conventions: values are negative inside and positive outside, the surface is the zero level set. Grid point
 * {@code (x, y, z)} sits at {@code origin + voxel * (x, y, z)} and is stored at {@code x + nx * (y + ny * z)}.
 * Triangles are wound counter-clockwise seen from outside (positive side), so their geometric normals point out.
 * Vertices are shared: each grid edge crossed by the surface yields exactly one vertex, found through an
 * edge-indexed cache of two z layers, so neighbouring cubes reference the same vertex and the mesh of a closed
 * surface is watertight. Vertex normals are the normalised SDF gradient (central differences, one-sided at the
 * grid border) interpolated along the edge; vertex colours are interpolated from the per-voxel colours.
 *
 * <p>A cube is skipped when any corner has weight {@code <= 0} (unobserved TSDF voxels), so fusion gaps do not
 * produce spurious walls.
 */
public final class MarchingCubes {
    private MarchingCubes() {
    }

    /**
     * Extracts the zero level set.
     *
     * @param values signed distances per grid point (not null, length {@code nx*ny*nz}, unaffected)
     * @param weights per-point weights, cubes with a corner weight {@code <= 0} are skipped (null → all valid;
     *     unaffected)
     * @param colours linear RGB per point, {@code 3*nx*ny*nz} floats (null → white; unaffected)
     * @param nx grid points along x (at least 2)
     * @param ny grid points along y (at least 2)
     * @param nz grid points along z (at least 2)
     * @param origin world position of grid point (0,0,0) (not null, length 3, unaffected)
     * @param voxel grid spacing in world units (positive, finite)
     * @return a new mesh (not null, possibly empty)
     * @throws IllegalArgumentException on inconsistent sizes
     */
    public static TriangleMesh extract(float[] values, float[] weights, float[] colours, int nx, int ny, int nz,
            float[] origin, float voxel) {
        validate(values, weights, nx, ny, nz, origin, voxel);
        if (colours != null && colours.length != 3L * values.length) {
            throw new IllegalArgumentException("colours length " + colours.length + " != 3 * " + values.length);
        }
        return new Extractor(values, weights, colours == null ? null : (i, k) -> colours[3 * i + k], nx, ny, nz,
                origin, voxel).run();
    }

    /**
     * As {@link #extract(float[], float[], float[], int, int, int, float[], float)} with colours as bytes 0..255
     * (the TSDF volume's storage), so no float copy of the colour grid is needed.
     */
    static TriangleMesh extractBytes(float[] values, float[] weights, byte[] colours, int nx, int ny, int nz,
            float[] origin, float voxel) {
        validate(values, weights, nx, ny, nz, origin, voxel);
        if (colours == null || colours.length != 3L * values.length) {
            throw new IllegalArgumentException("byte colours must have 3 per value");
        }
        return new Extractor(values, weights, (i, k) -> (colours[3 * i + k] & 0xFF) / 255f, nx, ny, nz, origin,
                voxel).run();
    }

    private static void validate(float[] values, float[] weights, int nx, int ny, int nz, float[] origin,
            float voxel) {
        if (values == null || origin == null || origin.length != 3) {
            throw new IllegalArgumentException("values and a 3-element origin are required");
        }
        if (nx < 2 || ny < 2 || nz < 2 || (long) nx * ny * nz != values.length) {
            throw new IllegalArgumentException("grid " + nx + "x" + ny + "x" + nz + " does not match " + values.length
                    + " values");
        }
        if (weights != null && weights.length != values.length) {
            throw new IllegalArgumentException("weights length " + weights.length + " != " + values.length);
        }
        if (!(voxel > 0) || !Float.isFinite(voxel)) {
            throw new IllegalArgumentException("voxel size must be positive and finite: " + voxel);
        }
    }

    /** Colour channel {@code k} of grid point {@code i}. */
    interface Colours {
        float get(int i, int k);
    }

    private static final class Extractor {
        final float[] v;
        final float[] w;
        final Colours col;
        final int nx, ny, nz, layer;
        final float[] origin;
        final float voxel;
        final int[][] xCache = new int[2][], yCache = new int[2][];
        int[] zCache;
        float[] pos = new float[3 * 1024], nrm = new float[3 * 1024], rgba = new float[4 * 1024];
        int nv;
        final float[] grad0 = new float[3], grad1 = new float[3];
        int[] tri = new int[3 * 2048];
        int nt;

        Extractor(float[] v, float[] w, Colours col, int nx, int ny, int nz, float[] origin, float voxel) {
            this.v = v;
            this.w = w;
            this.col = col;
            this.nx = nx;
            this.ny = ny;
            this.nz = nz;
            this.layer = nx * ny;
            this.origin = origin;
            this.voxel = voxel;
            for (int i = 0; i < 2; i++) {
                xCache[i] = new int[layer];
                yCache[i] = new int[layer];
            }
            zCache = new int[layer];
        }

        TriangleMesh run() {
            Arrays.fill(xCache[0], -1);
            Arrays.fill(yCache[0], -1);
            int[] cornerIdx = new int[8];
            int[] edgeVert = new int[12];
            for (int z = 0; z + 1 < nz; z++) {
                Arrays.fill(xCache[(z + 1) & 1], -1);
                Arrays.fill(yCache[(z + 1) & 1], -1);
                Arrays.fill(zCache, -1);
                for (int y = 0; y + 1 < ny; y++) {
                    for (int x = 0; x + 1 < nx; x++) {
                        int base = x + nx * (y + ny * z);
                        int cas = 0;
                        boolean valid = true;
                        for (int c = 0; c < 8; c++) {
                            int idx = base + (c & 1) + ((c >> 1) & 1) * nx + ((c >> 2) & 1) * layer;
                            cornerIdx[c] = idx;
                            if (w != null && !(w[idx] > 0)) {
                                valid = false;
                                break;
                            }
                            if (v[idx] < 0) {
                                cas |= 1 << c;
                            }
                        }
                        if (!valid || cas == 0 || cas == 255) {
                            continue;
                        }
                        int[] t = MarchingCubesTables.TRIANGLES[cas];
                        Arrays.fill(edgeVert, -1);
                        for (int k = 0; k < t.length; k++) {
                            int e = t[k];
                            if (edgeVert[e] < 0) {
                                edgeVert[e] = vertex(e, x, y, z, cornerIdx);
                            }
                        }
                        for (int k = 0; k < t.length; k += 3) {
                            int a = edgeVert[t[k]], b = edgeVert[t[k + 1]], c = edgeVert[t[k + 2]];
                            if (a == b || b == c || a == c) {
                                continue; // cannot happen with distinct edges; kept as a guard
                            }
                            if (nt + 3 > tri.length) {
                                tri = Arrays.copyOf(tri, tri.length * 2);
                            }
                            tri[nt++] = a;
                            tri[nt++] = b;
                            tri[nt++] = c;
                        }
                    }
                }
            }
            return new TriangleMesh(Arrays.copyOf(pos, 3 * nv), Arrays.copyOf(nrm, 3 * nv), Arrays.copyOf(rgba, 4 * nv),
                    Arrays.copyOf(tri, nt));
        }

        /** The shared vertex on cube edge {@code e} of the cube at (x, y, z). */
        private int vertex(int e, int x, int y, int z, int[] cornerIdx) {
            int c0 = MarchingCubesTables.EDGE_CORNERS[e][0];
            int gx = x + (c0 & 1), gy = y + ((c0 >> 1) & 1), gz = z + ((c0 >> 2) & 1);
            int slot = gx + nx * gy;
            int[] cache;
            if (e < 4) {
                cache = xCache[gz & 1];
            } else if (e < 8) {
                cache = yCache[gz & 1];
            } else {
                cache = zCache;
            }
            if (cache[slot] >= 0) {
                return cache[slot];
            }
            int i0 = cornerIdx[c0], i1 = cornerIdx[MarchingCubesTables.EDGE_CORNERS[e][1]];
            float v0 = v[i0], v1 = v[i1];
            float t = v0 / (v0 - v1);
            if (!(t >= 0)) {
                t = 0;
            } else if (t > 1) {
                t = 1;
            }
            int axis = e >> 2;
            if (nv == pos.length / 3) {
                pos = Arrays.copyOf(pos, pos.length * 2);
                nrm = Arrays.copyOf(nrm, nrm.length * 2);
                rgba = Arrays.copyOf(rgba, rgba.length * 2);
            }
            int p = 3 * nv;
            pos[p] = origin[0] + voxel * (gx + (axis == 0 ? t : 0));
            pos[p + 1] = origin[1] + voxel * (gy + (axis == 1 ? t : 0));
            pos[p + 2] = origin[2] + voxel * (gz + (axis == 2 ? t : 0));
            float[] g0 = grad0, g1 = grad1;
            gradient(gx, gy, gz, g0);
            int hx = gx + (axis == 0 ? 1 : 0), hy = gy + (axis == 1 ? 1 : 0), hz = gz + (axis == 2 ? 1 : 0);
            gradient(hx, hy, hz, g1);
            float nxv = g0[0] + t * (g1[0] - g0[0]), nyv = g0[1] + t * (g1[1] - g0[1]);
            float nzv = g0[2] + t * (g1[2] - g0[2]);
            float len = (float) Math.sqrt(nxv * nxv + nyv * nyv + nzv * nzv);
            if (len > 0 && Float.isFinite(len)) {
                nrm[p] = nxv / len;
                nrm[p + 1] = nyv / len;
                nrm[p + 2] = nzv / len;
            } else {
                nrm[p + axis] = v1 > v0 ? 1 : -1; // degenerate gradient: the edge direction toward outside
            }
            int q = 4 * nv;
            if (col != null) {
                for (int k = 0; k < 3; k++) {
                    float ca = col.get(i0, k);
                    rgba[q + k] = ca + t * (col.get(i1, k) - ca);
                }
            } else {
                rgba[q] = rgba[q + 1] = rgba[q + 2] = 1;
            }
            rgba[q + 3] = 1;
            cache[slot] = nv;
            return nv++;
        }

        private void gradient(int x, int y, int z, float[] out) {
            out[0] = diff(x, y, z, 0, x > 0, x + 1 < nx);
            out[1] = diff(x, y, z, 1, y > 0, y + 1 < ny);
            out[2] = diff(x, y, z, 2, z > 0, z + 1 < nz);
        }

        private float diff(int x, int y, int z, int axis, boolean hasLo, boolean hasHi) {
            int stride = axis == 0 ? 1 : axis == 1 ? nx : layer;
            int i = x + nx * (y + ny * z);
            float lo = hasLo ? v[i - stride] : v[i];
            float hi = hasHi ? v[i + stride] : v[i];
            return (hi - lo) / ((hasLo ? 1 : 0) + (hasHi ? 1 : 0));
        }
    }
}
