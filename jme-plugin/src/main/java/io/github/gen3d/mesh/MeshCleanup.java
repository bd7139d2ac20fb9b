package io.github.gen3d.mesh;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Mesh cleanup after extraction: merges duplicate vertices, drops degenerate triangles and small disconnected
 * components, removes unused vertices, and reports whether a mesh is watertight.
 *
 * <p>All methods return new meshes and leave their input unaffected.
 */
public final class MeshCleanup {
    private MeshCleanup() {
    }

    /**
     * Edge statistics of a mesh.
     *
     * @param edges number of distinct undirected edges
     * @param boundaryEdges edges used by exactly one triangle (a hole's rim)
     * @param nonManifoldEdges edges used by more than two triangles
     */
    public record EdgeReport(int edges, int boundaryEdges, int nonManifoldEdges) {
        /** @return true if every edge is shared by exactly two triangles (a closed, hole-free surface) */
        public boolean watertight() {
            return boundaryEdges == 0 && nonManifoldEdges == 0;
        }
    }

    /**
     * Runs the usual cleanup chain: merge vertices, drop degenerate triangles, drop small components, compact.
     *
     * @param mesh the input (not null, unaffected)
     * @param mergeEpsilon vertices closer than this (world units, &gt; 0) become one
     * @param minTriangles components with fewer triangles are dropped (0 keeps all)
     * @param minAreaFraction components whose area is below this fraction of the total are dropped (0 keeps all)
     * @return the cleaned mesh (not null, new)
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static TriangleMesh clean(TriangleMesh mesh, float mergeEpsilon, int minTriangles,
            double minAreaFraction) {
        TriangleMesh m = mergeVertices(mesh, mergeEpsilon);
        m = dropDegenerate(m);
        return dropSmallComponents(m, minTriangles, minAreaFraction);
    }

    /**
     * Merges vertices whose positions are within {@code epsilon} of an earlier kept vertex (greedy in vertex
     * order, the earliest kept vertex wins). Merged vertices get the mean colour and the normalised mean normal
     * of their group. Uses a uniform hash grid; see {@link #mergeVerticesReference} for the plain version.
     *
     * @param mesh the input (not null, unaffected)
     * @param epsilon merge distance (world units, finite, &gt; 0)
     * @return a mesh with the same triangles over the merged vertices (not null, new)
     * @throws IllegalArgumentException if epsilon is not positive and finite
     */
    public static TriangleMesh mergeVertices(TriangleMesh mesh, float epsilon) {
        checkEpsilon(epsilon);
        float[] p = mesh.positions();
        int n = mesh.vertexCount();
        int[] rep = new int[n];
        int[] kept = new int[n];
        int keptCount = 0;
        double eps2 = (double) epsilon * epsilon;
        double inv = 1.0 / epsilon;
        // cell key -> head of a chain of kept vertices in that cell (chain through next[])
        Map<Long, Integer> head = new HashMap<>();
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            long cx = (long) Math.floor(p[3 * i] * inv);
            long cy = (long) Math.floor(p[3 * i + 1] * inv);
            long cz = (long) Math.floor(p[3 * i + 2] * inv);
            int best = Integer.MAX_VALUE;
            for (long dx = -1; dx <= 1; dx++) {
                for (long dy = -1; dy <= 1; dy++) {
                    for (long dz = -1; dz <= 1; dz++) {
                        Integer h = head.get(cellKey(cx + dx, cy + dy, cz + dz));
                        for (int k = h == null ? -1 : h; k >= 0; k = next[k]) {
                            int v = kept[k];
                            if (k < best && dist2(p, i, v) <= eps2) {
                                best = k;
                            }
                        }
                    }
                }
            }
            if (best == Integer.MAX_VALUE) {
                kept[keptCount] = i;
                long key = cellKey(cx, cy, cz);
                Integer h = head.get(key);
                next[keptCount] = h == null ? -1 : h;
                head.put(key, keptCount);
                rep[i] = keptCount++;
            } else {
                rep[i] = best;
            }
        }
        return remapVertices(mesh, rep, keptCount);
    }

    /**
     * Plain O(n²) reference for {@link #mergeVertices}: same greedy rule, same result.
     *
     * @param mesh the input (not null, unaffected)
     * @param epsilon merge distance (finite, &gt; 0)
     * @return the merged mesh (not null, new)
     */
    static TriangleMesh mergeVerticesReference(TriangleMesh mesh, float epsilon) {
        checkEpsilon(epsilon);
        float[] p = mesh.positions();
        int n = mesh.vertexCount();
        int[] rep = new int[n];
        int[] kept = new int[n];
        int keptCount = 0;
        double eps2 = (double) epsilon * epsilon;
        for (int i = 0; i < n; i++) {
            int found = -1;
            for (int k = 0; k < keptCount && found < 0; k++) {
                if (dist2(p, i, kept[k]) <= eps2) {
                    found = k;
                }
            }
            if (found < 0) {
                kept[keptCount] = i;
                found = keptCount++;
            }
            rep[i] = found;
        }
        return remapVertices(mesh, rep, keptCount);
    }

    /**
     * Drops triangles that repeat a vertex index or have zero area, then removes unused vertices.
     *
     * @param mesh the input (not null, unaffected)
     * @return the mesh without degenerate triangles (not null, new)
     */
    public static TriangleMesh dropDegenerate(TriangleMesh mesh) {
        int[] idx = mesh.indices();
        float[] p = mesh.positions();
        int[] out = new int[idx.length];
        int o = 0;
        for (int t = 0; t < idx.length; t += 3) {
            int a = idx[t];
            int b = idx[t + 1];
            int c = idx[t + 2];
            if (a == b || b == c || a == c || doubleArea(p, a, b, c) == 0) {
                continue;
            }
            out[o++] = a;
            out[o++] = b;
            out[o++] = c;
        }
        return compact(new TriangleMesh(mesh.positions(), mesh.normals(), mesh.colours(), Arrays.copyOf(out, o)));
    }

    /**
     * Drops connected components (triangles sharing vertices, found with union-find) that have fewer than
     * {@code minTriangles} triangles or less than {@code minAreaFraction} of the total area; then removes unused
     * vertices. Run {@link #mergeVertices} first so that touching triangles share vertex indices.
     *
     * @param mesh the input (not null, unaffected)
     * @param minTriangles minimum triangles per kept component (at least 0)
     * @param minAreaFraction minimum area fraction per kept component (in [0, 1])
     * @return the mesh with only large components (not null, new)
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static TriangleMesh dropSmallComponents(TriangleMesh mesh, int minTriangles, double minAreaFraction) {
        if (minTriangles < 0 || !(minAreaFraction >= 0 && minAreaFraction <= 1)) {
            throw new IllegalArgumentException("minTriangles " + minTriangles + " must be >= 0 and minAreaFraction "
                    + minAreaFraction + " in [0,1]");
        }
        int[] idx = mesh.indices();
        float[] p = mesh.positions();
        int[] component = components(mesh);
        int n = mesh.vertexCount();
        int[] triCount = new int[n];
        double[] area = new double[n];
        double total = 0;
        for (int t = 0; t < idx.length; t += 3) {
            int root = component[idx[t]];
            double a = 0.5 * Math.sqrt(doubleArea2(p, idx[t], idx[t + 1], idx[t + 2]));
            triCount[root]++;
            area[root] += a;
            total += a;
        }
        int[] out = new int[idx.length];
        int o = 0;
        for (int t = 0; t < idx.length; t += 3) {
            int root = component[idx[t]];
            if (triCount[root] >= minTriangles && area[root] >= minAreaFraction * total) {
                out[o++] = idx[t];
                out[o++] = idx[t + 1];
                out[o++] = idx[t + 2];
            }
        }
        return compact(new TriangleMesh(mesh.positions(), mesh.normals(), mesh.colours(), Arrays.copyOf(out, o)));
    }

    /**
     * Counts the connected components (over shared vertex indices) that hold at least one triangle.
     *
     * @param mesh the mesh (not null, unaffected)
     * @return the number of components (at least 0)
     */
    public static int componentCount(TriangleMesh mesh) {
        int[] component = components(mesh);
        int[] idx = mesh.indices();
        boolean[] seen = new boolean[mesh.vertexCount()];
        int count = 0;
        for (int i : idx) {
            if (!seen[component[i]]) {
                seen[component[i]] = true;
                count++;
            }
        }
        return count;
    }

    /**
     * Counts edge use: an edge shared by exactly two triangles is interior; one triangle means a boundary (hole)
     * edge; more than two means non-manifold. A mesh is watertight when every edge is interior.
     *
     * @param mesh the mesh (not null, unaffected); run {@link #mergeVertices} first so shared edges share indices
     * @return the edge statistics (not null)
     */
    public static EdgeReport edgeReport(TriangleMesh mesh) {
        int[] idx = mesh.indices();
        Map<Long, Integer> uses = new HashMap<>(Math.max(16, idx.length));
        for (int t = 0; t < idx.length; t += 3) {
            for (int e = 0; e < 3; e++) {
                int a = idx[t + e];
                int b = idx[t + (e + 1) % 3];
                long key = ((long) Math.min(a, b) << 32) | Math.max(a, b);
                uses.merge(key, 1, Integer::sum);
            }
        }
        int boundary = 0;
        int nonManifold = 0;
        for (int u : uses.values()) {
            if (u == 1) {
                boundary++;
            } else if (u > 2) {
                nonManifold++;
            }
        }
        return new EdgeReport(uses.size(), boundary, nonManifold);
    }

    /**
     * Removes vertices no triangle uses, keeping the order of the rest.
     *
     * @param mesh the input (not null, unaffected)
     * @return the compacted mesh (not null, new)
     */
    public static TriangleMesh compact(TriangleMesh mesh) {
        int n = mesh.vertexCount();
        int[] map = new int[n];
        Arrays.fill(map, -1);
        int count = 0;
        boolean[] used = new boolean[n];
        for (int i : mesh.indices()) {
            used[i] = true;
        }
        for (int i = 0; i < n; i++) {
            if (used[i]) {
                map[i] = count++;
            }
        }
        float[] p = new float[3 * count];
        float[] nn = new float[3 * count];
        float[] c = new float[4 * count];
        for (int i = 0; i < n; i++) {
            if (map[i] >= 0) {
                System.arraycopy(mesh.positions(), 3 * i, p, 3 * map[i], 3);
                System.arraycopy(mesh.normals(), 3 * i, nn, 3 * map[i], 3);
                System.arraycopy(mesh.colours(), 4 * i, c, 4 * map[i], 4);
            }
        }
        int[] idx = mesh.indices().clone();
        for (int k = 0; k < idx.length; k++) {
            idx[k] = map[idx[k]];
        }
        return new TriangleMesh(p, nn, c, idx);
    }

    /** Union-find over the triangles' vertices; returns each vertex's root. */
    private static int[] components(TriangleMesh mesh) {
        int n = mesh.vertexCount();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        int[] idx = mesh.indices();
        for (int t = 0; t < idx.length; t += 3) {
            union(parent, idx[t], idx[t + 1]);
            union(parent, idx[t], idx[t + 2]);
        }
        for (int i = 0; i < n; i++) {
            parent[i] = find(parent, i);
        }
        return parent;
    }

    private static int find(int[] parent, int i) {
        int r = i;
        while (parent[r] != r) {
            r = parent[r];
        }
        while (parent[i] != r) {
            int nx = parent[i];
            parent[i] = r;
            i = nx;
        }
        return r;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    /** Builds the merged mesh: kept vertex k takes the position of its first member, mean colour, mean normal. */
    private static TriangleMesh remapVertices(TriangleMesh mesh, int[] rep, int keptCount) {
        int n = mesh.vertexCount();
        float[] src = mesh.positions();
        float[] srcN = mesh.normals();
        float[] srcC = mesh.colours();
        float[] p = new float[3 * keptCount];
        double[] nsum = new double[3 * keptCount];
        double[] csum = new double[4 * keptCount];
        int[] members = new int[keptCount];
        for (int i = 0; i < n; i++) {
            int k = rep[i];
            if (members[k]++ == 0) {
                System.arraycopy(src, 3 * i, p, 3 * k, 3);
            }
            for (int j = 0; j < 3; j++) {
                nsum[3 * k + j] += srcN[3 * i + j];
            }
            for (int j = 0; j < 4; j++) {
                csum[4 * k + j] += srcC[4 * i + j];
            }
        }
        float[] nn = new float[3 * keptCount];
        float[] c = new float[4 * keptCount];
        for (int k = 0; k < keptCount; k++) {
            double len = Math.sqrt(nsum[3 * k] * nsum[3 * k] + nsum[3 * k + 1] * nsum[3 * k + 1]
                    + nsum[3 * k + 2] * nsum[3 * k + 2]);
            for (int j = 0; j < 3; j++) {
                nn[3 * k + j] = len > 0 ? (float) (nsum[3 * k + j] / len) : 0f;
            }
            for (int j = 0; j < 4; j++) {
                c[4 * k + j] = (float) (csum[4 * k + j] / members[k]);
            }
        }
        int[] idx = mesh.indices().clone();
        for (int t = 0; t < idx.length; t++) {
            idx[t] = rep[idx[t]];
        }
        return new TriangleMesh(p, nn, c, idx);
    }

    private static void checkEpsilon(float epsilon) {
        if (!(epsilon > 0) || Float.isInfinite(epsilon)) {
            throw new IllegalArgumentException("merge epsilon " + epsilon + " must be finite and > 0");
        }
    }

    private static long cellKey(long x, long y, long z) {
        return (x * 73856093L) ^ (y * 19349663L) ^ (z * 83492791L);
    }

    private static double dist2(float[] p, int i, int j) {
        double dx = p[3 * i] - p[3 * j];
        double dy = p[3 * i + 1] - p[3 * j + 1];
        double dz = p[3 * i + 2] - p[3 * j + 2];
        return dx * dx + dy * dy + dz * dz;
    }

    private static double doubleArea(float[] p, int a, int b, int c) {
        return doubleArea2(p, a, b, c);
    }

    /** Squared length of (b - a) x (c - a), i.e. (2 * area)². */
    static double doubleArea2(float[] p, int a, int b, int c) {
        double ux = p[3 * b] - p[3 * a];
        double uy = p[3 * b + 1] - p[3 * a + 1];
        double uz = p[3 * b + 2] - p[3 * a + 2];
        double vx = p[3 * c] - p[3 * a];
        double vy = p[3 * c + 1] - p[3 * a + 1];
        double vz = p[3 * c + 2] - p[3 * a + 2];
        double cx = uy * vz - uz * vy;
        double cy = uz * vx - ux * vz;
        double cz = ux * vy - uy * vx;
        return cx * cx + cy * cy + cz * cz;
    }
}
