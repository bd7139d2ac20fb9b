package io.github.gen3d.trainer.eval;

import com.jme3.math.Quaternion;
import com.jme3.math.Vector3f;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.render.PinholeCamera;

/** Small meshes and a brute-force ray caster (analytic depth maps) for the metric tests. */
final class TestMeshes {
    private static final int[] BOX_TRIANGLES = {
        0, 4, 6, 0, 6, 2, // -x
        1, 3, 7, 1, 7, 5, // +x
        0, 1, 5, 0, 5, 4, // -y
        2, 6, 7, 2, 7, 3, // +y
        0, 2, 3, 0, 3, 1, // -z
        4, 5, 7, 4, 7, 6, // +z
    };

    private TestMeshes() {
    }

    /** A closed axis-aligned box, wound CCW from outside; vertex i has x = max if bit 0, y if bit 1, z if bit 2. */
    static TriangleMesh box(float x0, float y0, float z0, float x1, float y1, float z1) {
        float[] pos = new float[24];
        for (int i = 0; i < 8; i++) {
            pos[3 * i] = (i & 1) != 0 ? x1 : x0;
            pos[3 * i + 1] = (i & 2) != 0 ? y1 : y0;
            pos[3 * i + 2] = (i & 4) != 0 ? z1 : z0;
        }
        return withDefaults(pos, BOX_TRIANGLES.clone());
    }

    /** Concatenates meshes (no welding): the union of interpenetrating closed parts, as props are built. */
    static TriangleMesh concat(TriangleMesh... parts) {
        int nv = 0, ni = 0;
        for (TriangleMesh m : parts) {
            nv += m.vertexCount();
            ni += m.indices().length;
        }
        float[] pos = new float[3 * nv];
        int[] idx = new int[ni];
        int v = 0, i = 0;
        for (TriangleMesh m : parts) {
            System.arraycopy(m.positions(), 0, pos, 3 * v, m.positions().length);
            for (int k : m.indices()) {
                idx[i++] = k + v;
            }
            v += m.vertexCount();
        }
        return withDefaults(pos, idx);
    }

    /** A UV sphere of the given radius about the origin. */
    static TriangleMesh sphere(float radius, int stacks, int slices) {
        float[] pos = new float[3 * (stacks + 1) * (slices + 1)];
        int v = 0;
        for (int i = 0; i <= stacks; i++) {
            double th = Math.PI * i / stacks;
            for (int j = 0; j <= slices; j++) {
                double ph = 2 * Math.PI * j / slices;
                pos[v++] = (float) (radius * Math.sin(th) * Math.cos(ph));
                pos[v++] = (float) (radius * Math.cos(th));
                pos[v++] = (float) (radius * Math.sin(th) * Math.sin(ph));
            }
        }
        int[] idx = new int[6 * stacks * slices];
        int t = 0;
        for (int i = 0; i < stacks; i++) {
            for (int j = 0; j < slices; j++) {
                int a = i * (slices + 1) + j, b = a + slices + 1;
                idx[t++] = a;
                idx[t++] = a + 1;
                idx[t++] = b;
                idx[t++] = a + 1;
                idx[t++] = b + 1;
                idx[t++] = b;
            }
        }
        return withDefaults(pos, idx);
    }

    /** Scales and then translates a mesh's positions. */
    static TriangleMesh transformed(TriangleMesh m, float scale, float tx, float ty, float tz) {
        float[] pos = m.positions().clone();
        for (int i = 0; i < pos.length; i += 3) {
            pos[i] = pos[i] * scale + tx;
            pos[i + 1] = pos[i + 1] * scale + ty;
            pos[i + 2] = pos[i + 2] * scale + tz;
        }
        return withDefaults(pos, m.indices().clone());
    }

    static TriangleMesh withDefaults(float[] pos, int[] idx) {
        int n = pos.length / 3;
        float[] normals = new float[3 * n];
        float[] colours = new float[4 * n];
        return new TriangleMesh(pos, normals, colours, idx);
    }

    /** World direction of the ray through image point (u, v), scaled so that its camera-z component is 1. */
    static double[] rayDirection(PinholeCamera cam, double u, double v) {
        Quaternion q = cam.rotation();
        Vector3f left = q.getRotationColumn(0);
        Vector3f up = q.getRotationColumn(1);
        Vector3f fwd = q.getRotationColumn(2);
        double x = (u - cam.cx()) / cam.fx(), y = (v - cam.cy()) / cam.fy();
        // RDF: right = -left, down = -up
        return new double[] {-left.x * x - up.x * y + fwd.x, -left.y * x - up.y * y + fwd.y,
            -left.z * x - up.z * y + fwd.z};
    }

    /** Depth map (camera z of the nearest hit, 0 where the ray misses) by casting one ray per pixel centre. */
    static float[] rayCastDepth(PinholeCamera cam, TriangleMesh mesh) {
        int w = cam.width(), h = cam.height();
        float[] depth = new float[w * h];
        Vector3f o = cam.location();
        float[] p = mesh.positions();
        int[] t = mesh.indices();
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                double[] d = rayDirection(cam, i + 0.5, j + 0.5);
                double best = Double.POSITIVE_INFINITY;
                for (int k = 0; k < t.length; k += 3) {
                    double hit = intersect(o, d, p, 3 * t[k], 3 * t[k + 1], 3 * t[k + 2]);
                    if (hit > 0 && hit < best) {
                        best = hit;
                    }
                }
                depth[j * w + i] = best == Double.POSITIVE_INFINITY ? 0f : (float) best;
            }
        }
        return depth;
    }

    /** Möller–Trumbore: ray parameter of the hit, or -1. */
    private static double intersect(Vector3f o, double[] d, float[] p, int a, int b, int c) {
        double e1x = p[b] - p[a], e1y = p[b + 1] - p[a + 1], e1z = p[b + 2] - p[a + 2];
        double e2x = p[c] - p[a], e2y = p[c + 1] - p[a + 1], e2z = p[c + 2] - p[a + 2];
        double px = d[1] * e2z - d[2] * e2y, py = d[2] * e2x - d[0] * e2z, pz = d[0] * e2y - d[1] * e2x;
        double det = e1x * px + e1y * py + e1z * pz;
        if (Math.abs(det) < 1e-15) {
            return -1;
        }
        double inv = 1 / det;
        double sx = o.x - p[a], sy = o.y - p[a + 1], sz = o.z - p[a + 2];
        double u = (sx * px + sy * py + sz * pz) * inv;
        if (u < 0 || u > 1) {
            return -1;
        }
        double qx = sy * e1z - sz * e1y, qy = sz * e1x - sx * e1z, qz = sx * e1y - sy * e1x;
        double v = (d[0] * qx + d[1] * qy + d[2] * qz) * inv;
        if (v < 0 || u + v > 1) {
            return -1;
        }
        return (e2x * qx + e2y * qy + e2z * qz) * inv;
    }
}
