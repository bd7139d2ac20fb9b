package io.github.gen3d.mesh;

import java.util.Arrays;

/**
 * Marching-cubes case tables, derived at class load from the cube's topology rather than typed in.
 *
 * <p>Corner {@code c} (0..7) sits at offset {@code (c & 1, (c >> 1) & 1, (c >> 2) & 1)}. Edge {@code e} (0..11)
 * joins corners {@link #EDGE_CORNERS}{@code [e]}; edges 0..3 run along x, 4..7 along y, 8..11 along z. A corner is
 * <em>inside</em> when its value is below the iso level (negative-inside SDF convention); the case index has bit
 * {@code c} set for each inside corner.
 *
 * <p>Derivation: on every cube face, walk the four corners counter-clockwise about the face's outward normal; each
 * maximal run of inside corners is cut off by one directed segment from the edge where the walk enters the run to
 * the edge where it leaves. On faces with two diagonal inside corners this separates them (the "inside separated"
 * rule). Two cubes sharing a face see the same corner values and walk the face in opposite directions, so they pick
 * the same segments with opposite directions: the surface has no cracks and consistent winding. Each crossed edge
 * lies on exactly two faces, ending a segment on one and starting one on the other, so the segments chain into
 * closed loops; each loop is triangulated (keeping its order, so triangles are wound counter-clockwise seen from
 * the outside: the triangle normal points from inside to outside, i.e. along the SDF gradient) without any chord
 * joining two edges of a common face, since the neighbouring cube could pick the same chord and make a
 * non-manifold edge; chords through the cube's interior belong to one cube only.
 */
final class MarchingCubesTables {
    /** The two corners of each edge, lower corner first. */
    static final int[][] EDGE_CORNERS = new int[12][];
    /** Per case, triangles as triples of edge indices (never null; empty for cases 0 and 255). */
    static final int[][] TRIANGLES = new int[256][];

    static {
        int e = 0;
        for (int axis = 0; axis < 3; axis++) {
            int bit = 1 << axis;
            for (int c = 0; c < 8; c++) {
                if ((c & bit) == 0) {
                    EDGE_CORNERS[e++] = new int[] {c, c | bit};
                }
            }
        }
        int[][] faces = faceCycles();
        for (int cas = 0; cas < 256; cas++) {
            TRIANGLES[cas] = triangulate(cas, faces);
        }
    }

    private MarchingCubesTables() {
    }

    /** The six faces as corner cycles, counter-clockwise about the outward normal. */
    static int[][] faceCycles() {
        int[][] faces = new int[6][];
        int f = 0;
        for (int a = 0; a < 3; a++) {
            int u = (a + 1) % 3, v = (a + 2) % 3; // (u, v, a) right-handed
            for (int side = 0; side < 2; side++) {
                int[][] uv = {{0, 0}, {1, 0}, {1, 1}, {0, 1}}; // CCW about +a
                int[] cyc = new int[4];
                for (int k = 0; k < 4; k++) {
                    int[] p = side == 1 ? uv[k] : uv[(4 - k) % 4]; // reversed about −a
                    cyc[k] = (side << a) | (p[0] << u) | (p[1] << v);
                }
                faces[f++] = cyc;
            }
        }
        return faces;
    }

    static int edgeOf(int c0, int c1) {
        int lo = Math.min(c0, c1), hi = Math.max(c0, c1);
        for (int e = 0; e < 12; e++) {
            if (EDGE_CORNERS[e][0] == lo && EDGE_CORNERS[e][1] == hi) {
                return e;
            }
        }
        throw new IllegalStateException("corners " + c0 + "," + c1 + " are not adjacent");
    }

    private static int[] triangulate(int cas, int[][] faces) {
        int[] next = new int[12];
        Arrays.fill(next, -1);
        for (int[] cyc : faces) {
            for (int k = 0; k < 4; k++) {
                int a = cyc[k], b = cyc[(k + 1) % 4];
                boolean ain = (cas >> a & 1) != 0, bin = (cas >> b & 1) != 0;
                if (!ain && bin) { // walk enters a run of inside corners
                    int start = edgeOf(a, b);
                    int j = (k + 1) % 4;
                    while ((cas >> cyc[(j + 1) % 4] & 1) != 0) {
                        j = (j + 1) % 4;
                    }
                    int end = edgeOf(cyc[j], cyc[(j + 1) % 4]);
                    if (next[start] != -1) {
                        throw new IllegalStateException("case " + cas + ": edge " + start + " starts two segments");
                    }
                    next[start] = end;
                }
            }
        }
        int[] tris = new int[36];
        int n = 0;
        boolean[] used = new boolean[12];
        for (int e0 = 0; e0 < 12; e0++) {
            if (next[e0] < 0 || used[e0]) {
                continue;
            }
            int[] loop = new int[12];
            int len = 0;
            int e = e0;
            do {
                used[e] = true;
                loop[len++] = e;
                e = next[e];
                if (e < 0 || len > 12) {
                    throw new IllegalStateException("case " + cas + ": open loop");
                }
            } while (e != e0);
            n = triangulateLoop(cas, Arrays.copyOf(loop, len), tris, n);
        }
        return Arrays.copyOf(tris, n);
    }

    /** True if the two cube edges lie on a common cube face. */
    static boolean shareFace(int e1, int e2) {
        int[] c = {EDGE_CORNERS[e1][0], EDGE_CORNERS[e1][1], EDGE_CORNERS[e2][0], EDGE_CORNERS[e2][1]};
        for (int a = 0; a < 3; a++) {
            int s = c[0] >> a & 1;
            if ((c[1] >> a & 1) == s && (c[2] >> a & 1) == s && (c[3] >> a & 1) == s) {
                return true;
            }
        }
        return false;
    }

    /**
     * Triangulates one loop without any diagonal between two edges on a common cube face: such a chord lies in the
     * face and the neighbouring cube could pick the same chord, making a non-manifold edge. Uses the classic
     * interval dynamic programme over polygon triangulations with those chords forbidden.
     */
    private static int triangulateLoop(int cas, int[] loop, int[] tris, int n) {
        int len = loop.length;
        boolean[][] ok = new boolean[len][len];
        int[][] split = new int[len][len];
        for (int i = 0; i + 1 < len; i++) {
            ok[i][i + 1] = true;
        }
        for (int gap = 2; gap < len; gap++) {
            for (int i = 0; i + gap < len; i++) {
                int j = i + gap;
                for (int k = i + 1; k < j && !ok[i][j]; k++) {
                    if (ok[i][k] && ok[k][j] && allowed(loop, i, k) && allowed(loop, k, j)) {
                        ok[i][j] = true;
                        split[i][j] = k;
                    }
                }
            }
        }
        if (!ok[0][len - 1]) {
            throw new IllegalStateException("case " + cas + ": no face-free triangulation of a " + len + "-loop");
        }
        return emit(loop, split, 0, len - 1, tris, n);
    }

    private static boolean allowed(int[] loop, int i, int j) {
        int len = loop.length;
        boolean boundary = j - i == 1 || (i == 0 && j == len - 1);
        return boundary || !shareFace(loop[i], loop[j]);
    }

    private static int emit(int[] loop, int[][] split, int i, int j, int[] tris, int n) {
        if (j - i < 2) {
            return n;
        }
        int k = split[i][j];
        tris[n++] = loop[i];
        tris[n++] = loop[k];
        tris[n++] = loop[j];
        n = emit(loop, split, i, k, tris, n);
        return emit(loop, split, k, j, tris, n);
    }
}
