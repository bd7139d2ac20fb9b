package io.github.gen3d.mesh;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 3D convex hull of a point set (quickhull with per-face outside sets), as triangles wound counter-clockwise
 * seen from outside. Used as a convex collision proxy; physics libraries take the hull's vertex array directly.
 *
 * <p>Points within a small tolerance (1e-9 of the coordinate scale) of a current face's plane count as inside.
 * There is no coplanar-face merging: a point lying exactly on a final hull face can stay a (redundant) vertex if it
 * was added before that face's corners; the hull's shape is unaffected. Expected time O(n log n). Immutable.
 */
public final class ConvexHull {
    private final float[] vertices;
    private final int[] indices;

    private ConvexHull(float[] vertices, int[] indices) {
        this.vertices = vertices;
        this.indices = indices;
    }

    /**
     * Computes the hull of the given points.
     *
     * @param xyz packed xyz coordinates (not null, unaffected, length a multiple of 3, all finite)
     * @return the hull (not null)
     * @throws IllegalArgumentException if a coordinate is not finite, or the points do not span a volume (fewer
     *     than four points, or all collinear or coplanar)
     */
    public static ConvexHull of(float[] xyz) {
        if (xyz.length % 3 != 0) {
            throw new IllegalArgumentException("point array length " + xyz.length + " is not a multiple of 3");
        }
        double scale = 0;
        for (float f : xyz) {
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException("non-finite coordinate " + f);
            }
            scale = Math.max(scale, Math.abs(f));
        }
        int n = xyz.length / 3;
        if (n < 4) {
            throw new IllegalArgumentException("a hull needs at least 4 points, got " + n);
        }
        return new Builder(xyz, n, Math.max(scale, Float.MIN_NORMAL) * 1e-9).build();
    }

    /** @return hull vertex coordinates, xyz packed (internal array: not null, do not modify) */
    public float[] vertices() {
        return vertices;
    }

    /** @return three indices into {@link #vertices()} per triangle, CCW from outside (internal: do not modify) */
    public int[] indices() {
        return indices;
    }

    /** @return the number of hull vertices (at least 4) */
    public int vertexCount() {
        return vertices.length / 3;
    }

    /** A hull face: plane n·x = d with unit outward n, plus the points outside it not yet on the hull. */
    private static final class Face {
        final int a;
        final int b;
        final int c;
        final double nx;
        final double ny;
        final double nz;
        final double d;
        int[] outside = new int[0];
        int outsideCount;
        boolean alive = true;

        Face(double[] p, int a, int b, int c) {
            this.a = a;
            this.b = b;
            this.c = c;
            double ux = p[3 * b] - p[3 * a];
            double uy = p[3 * b + 1] - p[3 * a + 1];
            double uz = p[3 * b + 2] - p[3 * a + 2];
            double vx = p[3 * c] - p[3 * a];
            double vy = p[3 * c + 1] - p[3 * a + 1];
            double vz = p[3 * c + 2] - p[3 * a + 2];
            double cx = uy * vz - uz * vy;
            double cy = uz * vx - ux * vz;
            double cz = ux * vy - uy * vx;
            double len = Math.sqrt(cx * cx + cy * cy + cz * cz);
            nx = cx / len;
            ny = cy / len;
            nz = cz / len;
            d = nx * p[3 * a] + ny * p[3 * a + 1] + nz * p[3 * a + 2];
        }

        double distance(double[] p, int i) {
            return nx * p[3 * i] + ny * p[3 * i + 1] + nz * p[3 * i + 2] - d;
        }

        void addOutside(int i) {
            if (outsideCount == outside.length) {
                outside = Arrays.copyOf(outside, Math.max(4, 2 * outsideCount));
            }
            outside[outsideCount++] = i;
        }
    }

    private static final class Builder {
        private final double[] p;
        private final int n;
        private final double eps;
        private final Map<Long, Face> edges = new HashMap<>();
        private final List<Face> faces = new ArrayList<>();

        Builder(float[] xyz, int n, double eps) {
            this.p = new double[xyz.length];
            for (int i = 0; i < xyz.length; i++) {
                p[i] = xyz[i];
            }
            this.n = n;
            this.eps = eps;
        }

        ConvexHull build() {
            int[] simplex = initialSimplex();
            int a = simplex[0];
            int b = simplex[1];
            int c = simplex[2];
            int d = simplex[3];
            Face base = new Face(p, a, b, c);
            if (base.distance(p, d) > 0) {
                int t = b;
                b = c;
                c = t;
            }
            List<Face> created = new ArrayList<>();
            created.add(addFace(a, b, c));
            created.add(addFace(b, a, d));
            created.add(addFace(c, b, d));
            created.add(addFace(a, c, d));
            int[] all = new int[n];
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (i != a && i != b && i != c && i != d) {
                    all[count++] = i;
                }
            }
            assign(all, count, created);
            ArrayDeque<Face> work = new ArrayDeque<>(created);
            while (!work.isEmpty()) {
                Face f = work.pop();
                if (f.alive && f.outsideCount > 0) {
                    work.addAll(expand(f));
                }
            }
            return collect();
        }

        private int[] initialSimplex() {
            int[] ext = new int[6];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 3; k++) {
                    if (p[3 * i + k] < p[3 * ext[2 * k] + k]) {
                        ext[2 * k] = i;
                    }
                    if (p[3 * i + k] > p[3 * ext[2 * k + 1] + k]) {
                        ext[2 * k + 1] = i;
                    }
                }
            }
            int i0 = 0;
            int i1 = 0;
            double best = -1;
            for (int x = 0; x < 6; x++) {
                for (int y = x + 1; y < 6; y++) {
                    double dd = dist2(ext[x], ext[y]);
                    if (dd > best) {
                        best = dd;
                        i0 = ext[x];
                        i1 = ext[y];
                    }
                }
            }
            if (Math.sqrt(best) <= eps) {
                throw new IllegalArgumentException("all points coincide; no hull");
            }
            // farthest from the line i0-i1
            int i2 = -1;
            best = 0;
            double lx = p[3 * i1] - p[3 * i0];
            double ly = p[3 * i1 + 1] - p[3 * i0 + 1];
            double lz = p[3 * i1 + 2] - p[3 * i0 + 2];
            double ll = Math.sqrt(lx * lx + ly * ly + lz * lz);
            for (int i = 0; i < n; i++) {
                double vx = p[3 * i] - p[3 * i0];
                double vy = p[3 * i + 1] - p[3 * i0 + 1];
                double vz = p[3 * i + 2] - p[3 * i0 + 2];
                double cx = ly * vz - lz * vy;
                double cy = lz * vx - lx * vz;
                double cz = lx * vy - ly * vx;
                double dl = Math.sqrt(cx * cx + cy * cy + cz * cz) / ll;
                if (dl > best) {
                    best = dl;
                    i2 = i;
                }
            }
            if (best <= eps) {
                throw new IllegalArgumentException("points are collinear; no hull");
            }
            Face plane = new Face(p, i0, i1, i2);
            int i3 = -1;
            best = 0;
            for (int i = 0; i < n; i++) {
                double dp = Math.abs(plane.distance(p, i));
                if (dp > best) {
                    best = dp;
                    i3 = i;
                }
            }
            if (best <= eps) {
                throw new IllegalArgumentException("points are coplanar; no hull");
            }
            return new int[] {i0, i1, i2, i3};
        }

        private Face addFace(int a, int b, int c) {
            Face f = new Face(p, a, b, c);
            edges.put(key(a, b), f);
            edges.put(key(b, c), f);
            edges.put(key(c, a), f);
            faces.add(f);
            return f;
        }

        /** Gives each point to the first face it lies outside of; points inside all faces are dropped. */
        private void assign(int[] points, int count, List<Face> candidates) {
            for (int k = 0; k < count; k++) {
                int i = points[k];
                for (Face f : candidates) {
                    if (f.distance(p, i) > eps) {
                        f.addOutside(i);
                        break;
                    }
                }
            }
        }

        /** Adds the farthest outside point of {@code f}: removes the faces it sees, cones the horizon to it. */
        private List<Face> expand(Face f) {
            int apex = f.outside[0];
            double far = f.distance(p, apex);
            for (int k = 1; k < f.outsideCount; k++) {
                double dk = f.distance(p, f.outside[k]);
                if (dk > far) {
                    far = dk;
                    apex = f.outside[k];
                }
            }
            List<Face> visible = new ArrayList<>();
            List<int[]> horizon = new ArrayList<>();
            visible.add(f);
            f.alive = false;
            for (int v = 0; v < visible.size(); v++) {
                Face g = visible.get(v);
                int[] ring = {g.a, g.b, g.c};
                for (int e = 0; e < 3; e++) {
                    int u = ring[e];
                    int w = ring[(e + 1) % 3];
                    Face nb = edges.get(key(w, u));
                    if (!nb.alive) {
                        continue; // already in the visible set
                    }
                    if (nb.distance(p, apex) > eps) {
                        nb.alive = false;
                        visible.add(nb);
                    } else {
                        horizon.add(new int[] {u, w});
                    }
                }
            }
            int orphanCount = 0;
            for (Face g : visible) {
                orphanCount += g.outsideCount;
            }
            int[] orphans = new int[orphanCount];
            int o = 0;
            for (Face g : visible) {
                edges.remove(key(g.a, g.b));
                edges.remove(key(g.b, g.c));
                edges.remove(key(g.c, g.a));
                for (int k = 0; k < g.outsideCount; k++) {
                    if (g.outside[k] != apex) {
                        orphans[o++] = g.outside[k];
                    }
                }
                g.outside = null;
                g.outsideCount = 0;
            }
            List<Face> created = new ArrayList<>(horizon.size());
            for (int[] e : horizon) {
                created.add(addFace(e[0], e[1], apex));
            }
            assign(orphans, o, created);
            return created;
        }

        private ConvexHull collect() {
            int[] map = new int[n];
            Arrays.fill(map, -1);
            int vc = 0;
            int tc = 0;
            for (Face f : faces) {
                if (f.alive) {
                    tc++;
                    for (int i : new int[] {f.a, f.b, f.c}) {
                        if (map[i] < 0) {
                            map[i] = vc++;
                        }
                    }
                }
            }
            float[] verts = new float[3 * vc];
            for (int i = 0; i < n; i++) {
                if (map[i] >= 0) {
                    for (int k = 0; k < 3; k++) {
                        verts[3 * map[i] + k] = (float) p[3 * i + k];
                    }
                }
            }
            int[] idx = new int[3 * tc];
            int t = 0;
            for (Face f : faces) {
                if (f.alive) {
                    idx[t++] = map[f.a];
                    idx[t++] = map[f.b];
                    idx[t++] = map[f.c];
                }
            }
            return new ConvexHull(verts, idx);
        }

        private double dist2(int i, int j) {
            double dx = p[3 * i] - p[3 * j];
            double dy = p[3 * i + 1] - p[3 * j + 1];
            double dz = p[3 * i + 2] - p[3 * j + 2];
            return dx * dx + dy * dy + dz * dz;
        }

        private static long key(int from, int to) {
            return ((long) from << 32) | (to & 0xffffffffL);
        }
    }
}
