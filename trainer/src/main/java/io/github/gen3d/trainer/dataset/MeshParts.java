package io.github.gen3d.trainer.dataset;

import io.github.gen3d.mesh.TriangleMesh;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds closed primitive parts (box, lathe solids: cylinder, cone, frustum, ellipsoid, torus, profile solids) as
 * separate {@link TriangleMesh} pieces, each placed by scale, tilt about Z, yaw about Y and translation.
 *
 * <p>Every part is a closed surface once coincident vertices are merged (bands and caps keep their own vertices so
 * that creases shade sharply), wound counter-clockwise from outside, with outward unit normals. Scales must be
 * positive so the winding stays outward. Not thread-safe; one builder per prop.
 */
final class MeshParts {
    private final List<TriangleMesh> parts = new ArrayList<>();

    /** Placement of a part: scale, then rotation about Z (tilt), then about Y (yaw), then translation. */
    record Place(float tx, float ty, float tz, float sx, float sy, float sz, float tiltZ, float yaw) {
        static Place at(float tx, float ty, float tz) {
            return new Place(tx, ty, tz, 1, 1, 1, 0, 0);
        }

        Place scaled(float x, float y, float z) {
            return new Place(tx, ty, tz, x, y, z, tiltZ, yaw);
        }

        Place rotated(float tilt, float yawRad) {
            return new Place(tx, ty, tz, sx, sy, sz, tilt, yawRad);
        }
    }

    /** @return the parts added so far (live list of immutable meshes) */
    List<TriangleMesh> parts() {
        return parts;
    }

    /**
     * Adds an axis-aligned box (before placement) of the given full size centred at the placement origin.
     *
     * @param place placement (not null)
     * @param w width along x
     * @param h height along y
     * @param d depth along z
     * @param rgba colour (4 floats, unaffected)
     */
    void box(Place place, float w, float h, float d, float[] rgba) {
        Part p = new Part();
        float x = w / 2, y = h / 2, z = d / 2;
        // each face: normal, then four corners counter-clockwise seen from outside
        p.quad(new float[] {1, 0, 0}, x, -y, z, x, -y, -z, x, y, -z, x, y, z);
        p.quad(new float[] {-1, 0, 0}, -x, -y, -z, -x, -y, z, -x, y, z, -x, y, -z);
        p.quad(new float[] {0, 1, 0}, -x, y, z, x, y, z, x, y, -z, -x, y, -z);
        p.quad(new float[] {0, -1, 0}, -x, -y, -z, x, -y, -z, x, -y, z, -x, -y, z);
        p.quad(new float[] {0, 0, 1}, -x, -y, z, x, -y, z, x, y, z, -x, y, z);
        p.quad(new float[] {0, 0, -1}, x, -y, -z, -x, -y, -z, -x, y, -z, x, y, -z);
        parts.add(p.finish(place, rgba));
    }

    /**
     * Adds a solid of revolution about the local y axis. The profile runs from bottom to top as (radius, y) pairs
     * with radius ≥ 0; an end with radius &gt; 0 gets a flat cap, an end with radius 0 is a pole. When
     * {@code closedProfile} is true the profile is a loop (all radii &gt; 0, counter-clockwise in the (r, y) plane)
     * and no caps are added (a torus).
     *
     * @param place placement (not null)
     * @param r radii (not null, unaffected, length ≥ 2)
     * @param y heights (not null, unaffected, same length)
     * @param segments segments around the axis (≥ 3)
     * @param closedProfile whether the profile is a closed loop
     * @param creaseDegrees adjacent profile segments meeting at more than this angle shade with a sharp crease
     * @param rgba colour (4 floats, unaffected)
     */
    void lathe(Place place, float[] r, float[] y, int segments, boolean closedProfile, float creaseDegrees,
            float[] rgba) {
        int n = r.length;
        int segCount = closedProfile ? n : n - 1;
        float[][] segN = new float[segCount][];
        for (int i = 0; i < segCount; i++) {
            int j = (i + 1) % n;
            float dr = r[j] - r[i], dy = y[j] - y[i];
            float len = (float) Math.sqrt(dr * dr + dy * dy);
            segN[i] = new float[] {dy / len, -dr / len};
        }
        double cosCrease = Math.cos(Math.toRadians(creaseDegrees));
        Part p = new Part();
        for (int i = 0; i < segCount; i++) {
            int j = (i + 1) % n;
            float[] nLo = pointNormal(segN, i, i, closedProfile, cosCrease);
            float[] nHi = pointNormal(segN, i, j, closedProfile, cosCrease);
            int base = p.count();
            for (int s = 0; s < segments; s++) {
                double a = 2 * Math.PI * s / segments;
                float c = (float) Math.cos(a), sn = (float) Math.sin(a);
                p.vertex(r[i] * c, y[i], r[i] * sn, nLo[0] * c, nLo[1], nLo[0] * sn);
                p.vertex(r[j] * c, y[j], r[j] * sn, nHi[0] * c, nHi[1], nHi[0] * sn);
            }
            for (int s = 0; s < segments; s++) {
                int t = (s + 1) % segments;
                int a = base + 2 * s, cIdx = a + 1, b = base + 2 * t, dIdx = b + 1;
                if (r[i] > 0) {
                    p.tri(a, cIdx, b);
                }
                if (r[j] > 0) {
                    p.tri(b, cIdx, dIdx);
                }
            }
        }
        if (!closedProfile) {
            if (r[0] > 0) {
                cap(p, r[0], y[0], segments, false);
            }
            if (r[n - 1] > 0) {
                cap(p, r[n - 1], y[n - 1], segments, true);
            }
        }
        parts.add(p.finish(place, rgba));
    }

    /** Smooth normal at profile point {@code pt} for segment {@code seg}, or the segment's own at a crease/end. */
    private static float[] pointNormal(float[][] segN, int seg, int pt, boolean closed, double cosCrease) {
        int m = segN.length;
        int other;
        if (pt == seg) {
            other = seg - 1;
            if (other < 0) {
                if (!closed) {
                    return segN[seg];
                }
                other = m - 1;
            }
        } else {
            other = seg + 1;
            if (other >= m) {
                if (!closed) {
                    return segN[seg];
                }
                other = 0;
            }
        }
        float[] a = segN[seg], b = segN[other];
        if (a[0] * b[0] + a[1] * b[1] < cosCrease) {
            return a;
        }
        float x = a[0] + b[0], yy = a[1] + b[1];
        float len = (float) Math.sqrt(x * x + yy * yy);
        return len < 1e-6f ? a : new float[] {x / len, yy / len};
    }

    private static void cap(Part p, float r, float y, int segments, boolean top) {
        float ny = top ? 1 : -1;
        int centre = p.count();
        p.vertex(0, y, 0, 0, ny, 0);
        for (int s = 0; s < segments; s++) {
            double a = 2 * Math.PI * s / segments;
            p.vertex(r * (float) Math.cos(a), y, r * (float) Math.sin(a), 0, ny, 0);
        }
        for (int s = 0; s < segments; s++) {
            int a = centre + 1 + s, b = centre + 1 + (s + 1) % segments;
            if (top) {
                p.tri(centre, b, a);
            } else {
                p.tri(centre, a, b);
            }
        }
    }

    /**
     * Adds a closed cylinder or frustum along local y from {@code y0} to {@code y1}.
     *
     * @param place placement (not null)
     * @param r0 bottom radius (≥ 0)
     * @param r1 top radius (≥ 0, not both 0)
     * @param y0 bottom
     * @param y1 top (&gt; y0)
     * @param segments segments around (≥ 3)
     * @param rgba colour (4 floats, unaffected)
     */
    void frustum(Place place, float r0, float r1, float y0, float y1, int segments, float[] rgba) {
        lathe(place, new float[] {r0, r1}, new float[] {y0, y1}, segments, false, 30, rgba);
    }

    /**
     * Adds an ellipsoid centred at the placement origin with semi-axes (rx, ry, rz).
     *
     * @param place placement (not null; its scale multiplies the semi-axes)
     * @param rx semi-axis x
     * @param ry semi-axis y
     * @param rz semi-axis z
     * @param rings profile rings pole to pole (≥ 2)
     * @param segments segments around (≥ 3)
     * @param rgba colour (4 floats, unaffected)
     */
    void ellipsoid(Place place, float rx, float ry, float rz, int rings, int segments, float[] rgba) {
        float[] r = new float[rings + 1];
        float[] y = new float[rings + 1];
        for (int i = 0; i <= rings; i++) {
            double phi = -Math.PI / 2 + Math.PI * i / rings;
            r[i] = i == 0 || i == rings ? 0 : (float) Math.cos(phi);
            y[i] = (float) Math.sin(phi);
        }
        lathe(place.scaled(place.sx() * rx, place.sy() * ry, place.sz() * rz), r, y, segments, false, 60, rgba);
    }

    /**
     * Adds a torus about local y.
     *
     * @param place placement (not null)
     * @param major distance from the axis to the tube centre (&gt; minor)
     * @param minor tube radius (&gt; 0)
     * @param tube segments around the tube (≥ 3)
     * @param segments segments around the axis (≥ 3)
     * @param rgba colour (4 floats, unaffected)
     */
    void torus(Place place, float major, float minor, int tube, int segments, float[] rgba) {
        float[] r = new float[tube];
        float[] y = new float[tube];
        for (int i = 0; i < tube; i++) {
            double v = -Math.PI / 2 + 2 * Math.PI * i / tube;
            r[i] = major + minor * (float) Math.cos(v);
            y[i] = minor * (float) Math.sin(v);
        }
        lathe(place, r, y, segments, true, 60, rgba);
    }

    /**
     * Displaces the vertices of the last added part radially by {@code 1 + amount·noise(direction)} and recomputes
     * its normals from the faces (area weighted, over vertices sharing a position).
     *
     * @param centre centre of the displacement (3 floats, unaffected)
     * @param field noise over unit directions, returning values in [−1, 1] (not null)
     * @param amount displacement strength (0 ≤ amount &lt; 1)
     */
    void displaceLast(float[] centre, java.util.function.ToDoubleFunction<float[]> field, float amount) {
        TriangleMesh m = parts.remove(parts.size() - 1);
        float[] pos = m.positions().clone();
        float[] dir = new float[3];
        for (int v = 0; v < pos.length / 3; v++) {
            float dx = pos[3 * v] - centre[0], dy = pos[3 * v + 1] - centre[1], dz = pos[3 * v + 2] - centre[2];
            float len = (float) Math.sqrt(dx * dx + dy * dy + dz * dz);
            if (len < 1e-9f) {
                continue;
            }
            dir[0] = dx / len;
            dir[1] = dy / len;
            dir[2] = dz / len;
            float k = 1 + amount * (float) field.applyAsDouble(dir);
            pos[3 * v] = centre[0] + dx * k;
            pos[3 * v + 1] = centre[1] + dy * k;
            pos[3 * v + 2] = centre[2] + dz * k;
        }
        parts.add(new TriangleMesh(pos, faceNormals(pos, m.indices()), m.colours().clone(), m.indices().clone()));
    }

    /** Area-weighted vertex normals, accumulated over vertices that share an exact position. */
    static float[] faceNormals(float[] pos, int[] idx) {
        java.util.Map<Long, float[]> acc = new java.util.HashMap<>();
        long[] keys = new long[pos.length / 3];
        for (int v = 0; v < keys.length; v++) {
            keys[v] = ((long) Float.floatToIntBits(pos[3 * v]) * 31 + Float.floatToIntBits(pos[3 * v + 1])) * 31
                    + Float.floatToIntBits(pos[3 * v + 2]);
        }
        for (int t = 0; t < idx.length; t += 3) {
            int a = idx[t], b = idx[t + 1], c = idx[t + 2];
            float ux = pos[3 * b] - pos[3 * a], uy = pos[3 * b + 1] - pos[3 * a + 1], uz = pos[3 * b + 2] - pos[3 * a + 2];
            float vx = pos[3 * c] - pos[3 * a], vy = pos[3 * c + 1] - pos[3 * a + 1], vz = pos[3 * c + 2] - pos[3 * a + 2];
            float nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
            for (int v : new int[] {a, b, c}) {
                float[] s = acc.computeIfAbsent(keys[v], k -> new float[3]);
                s[0] += nx;
                s[1] += ny;
                s[2] += nz;
            }
        }
        float[] out = new float[pos.length];
        for (int v = 0; v < keys.length; v++) {
            float[] s = acc.getOrDefault(keys[v], new float[] {0, 1, 0});
            float len = (float) Math.sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
            if (len < 1e-20f) {
                out[3 * v + 1] = 1;
            } else {
                out[3 * v] = s[0] / len;
                out[3 * v + 1] = s[1] / len;
                out[3 * v + 2] = s[2] / len;
            }
        }
        return out;
    }

    /** Growing vertex/index buffers for one part in local coordinates. */
    private static final class Part {
        private float[] pos = new float[96];
        private float[] nrm = new float[96];
        private int[] idx = new int[96];
        private int verts;
        private int ints;

        int count() {
            return verts;
        }

        void vertex(float x, float y, float z, float nx, float ny, float nz) {
            if (3 * verts + 3 > pos.length) {
                pos = java.util.Arrays.copyOf(pos, pos.length * 2);
                nrm = java.util.Arrays.copyOf(nrm, nrm.length * 2);
            }
            pos[3 * verts] = x;
            pos[3 * verts + 1] = y;
            pos[3 * verts + 2] = z;
            nrm[3 * verts] = nx;
            nrm[3 * verts + 1] = ny;
            nrm[3 * verts + 2] = nz;
            verts++;
        }

        void tri(int a, int b, int c) {
            if (ints + 3 > idx.length) {
                idx = java.util.Arrays.copyOf(idx, idx.length * 2);
            }
            idx[ints++] = a;
            idx[ints++] = b;
            idx[ints++] = c;
        }

        void quad(float[] n, float... c) {
            int b = verts;
            for (int k = 0; k < 4; k++) {
                vertex(c[3 * k], c[3 * k + 1], c[3 * k + 2], n[0], n[1], n[2]);
            }
            tri(b, b + 1, b + 2);
            tri(b, b + 2, b + 3);
        }

        TriangleMesh finish(Place pl, float[] rgba) {
            float ct = (float) Math.cos(pl.tiltZ()), st = (float) Math.sin(pl.tiltZ());
            float cy = (float) Math.cos(pl.yaw()), sy = (float) Math.sin(pl.yaw());
            float[] p = new float[3 * verts];
            float[] n = new float[3 * verts];
            float[] col = new float[4 * verts];
            for (int v = 0; v < verts; v++) {
                float[] q = rotate(pos[3 * v] * pl.sx(), pos[3 * v + 1] * pl.sy(), pos[3 * v + 2] * pl.sz(),
                        ct, st, cy, sy);
                p[3 * v] = q[0] + pl.tx();
                p[3 * v + 1] = q[1] + pl.ty();
                p[3 * v + 2] = q[2] + pl.tz();
                // normals transform by the inverse transpose of the scale, then the rotation
                float[] m = rotate(nrm[3 * v] / pl.sx(), nrm[3 * v + 1] / pl.sy(), nrm[3 * v + 2] / pl.sz(),
                        ct, st, cy, sy);
                float len = (float) Math.sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]);
                n[3 * v] = m[0] / len;
                n[3 * v + 1] = m[1] / len;
                n[3 * v + 2] = m[2] / len;
                System.arraycopy(rgba, 0, col, 4 * v, 4);
            }
            return new TriangleMesh(p, n, col, java.util.Arrays.copyOf(idx, ints));
        }

        private static float[] rotate(float x, float y, float z, float ct, float st, float cy, float sy) {
            // tilt about Z
            float x1 = x * ct - y * st, y1 = x * st + y * ct;
            // yaw about Y
            return new float[] {x1 * cy + z * sy, y1, -x1 * sy + z * cy};
        }
    }
}
