package io.github.gen3d.mesh;

import java.util.Arrays;

/** Hand-built test meshes: cubes with per-face (duplicated) vertices, UV spheres. */
final class MeshShapes {
    private MeshShapes() {
    }

    /**
     * An axis-aligned cube with 4 vertices per face (24 vertices, positions duplicated at shared corners),
     * 12 triangles wound CCW from outside, face normals, one colour.
     */
    static TriangleMesh cube(float cx, float cy, float cz, float half, float[] rgba) {
        float[] p = new float[24 * 3];
        float[] n = new float[24 * 3];
        float[] c = new float[24 * 4];
        int[] idx = new int[36];
        float[] center = {cx, cy, cz};
        int v = 0;
        int t = 0;
        for (int f = 0; f < 6; f++) {
            int axis = f / 2;
            float sign = f % 2 == 0 ? 1 : -1;
            int ua = (axis + 1) % 3;
            int va = (axis + 2) % 3;
            // corners in CCW order seen from outside: for +axis, (u,v) order (-,-),(+,-),(+,+),(-,+);
            // for -axis mirror u
            float[][] uv = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
            int base = v;
            for (float[] q : uv) {
                float[] pos = center.clone();
                pos[axis] += sign * half;
                pos[ua] += sign * q[0] * half;
                pos[va] += q[1] * half;
                System.arraycopy(pos, 0, p, 3 * v, 3);
                n[3 * v + axis] = sign;
                System.arraycopy(rgba, 0, c, 4 * v, 4);
                v++;
            }
            int[] quad = {base, base + 1, base + 2, base, base + 2, base + 3};
            System.arraycopy(quad, 0, idx, t, 6);
            t += 6;
        }
        return new TriangleMesh(p, n, c, idx);
    }

    /** Concatenates meshes (indices shifted). */
    static TriangleMesh concat(TriangleMesh... meshes) {
        int nv = 0;
        int ni = 0;
        for (TriangleMesh m : meshes) {
            nv += m.vertexCount();
            ni += m.indices().length;
        }
        float[] p = new float[3 * nv];
        float[] n = new float[3 * nv];
        float[] c = new float[4 * nv];
        int[] idx = new int[ni];
        int vo = 0;
        int io = 0;
        for (TriangleMesh m : meshes) {
            System.arraycopy(m.positions(), 0, p, 3 * vo, m.positions().length);
            System.arraycopy(m.normals(), 0, n, 3 * vo, m.normals().length);
            System.arraycopy(m.colours(), 0, c, 4 * vo, m.colours().length);
            for (int i : m.indices()) {
                idx[io++] = i + vo;
            }
            vo += m.vertexCount();
        }
        return new TriangleMesh(p, n, c, idx);
    }

    /** The mesh without triangle {@code t}. */
    static TriangleMesh withoutTriangle(TriangleMesh m, int t) {
        int[] idx = m.indices();
        int[] out = new int[idx.length - 3];
        System.arraycopy(idx, 0, out, 0, 3 * t);
        System.arraycopy(idx, 3 * t + 3, out, 3 * t, idx.length - 3 * t - 3);
        return new TriangleMesh(m.positions(), m.normals(), m.colours(), out);
    }

    /**
     * A UV sphere of radius r at the origin, welded (seam and poles merged, pole slivers dropped), so it is closed.
     * Colour encodes position: rgb = 0.5 + 0.5 * unit direction, alpha 1.
     */
    static TriangleMesh sphere(float r, int stacks, int slices) {
        int nv = (stacks + 1) * (slices + 1);
        float[] p = new float[3 * nv];
        float[] n = new float[3 * nv];
        float[] c = new float[4 * nv];
        int v = 0;
        for (int i = 0; i <= stacks; i++) {
            double theta = Math.PI * i / stacks;
            for (int j = 0; j <= slices; j++) {
                double phi = 2 * Math.PI * (j % slices) / slices;
                double x = Math.sin(theta) * Math.cos(phi);
                double y = Math.cos(theta);
                double z = -Math.sin(theta) * Math.sin(phi);
                if (i == 0 || i == stacks) {
                    x = 0;
                    z = 0;
                }
                float[] d = {(float) x, (float) y, (float) z};
                for (int k = 0; k < 3; k++) {
                    p[3 * v + k] = r * d[k];
                    n[3 * v + k] = d[k];
                    c[4 * v + k] = 0.5f + 0.5f * d[k];
                }
                c[4 * v + 3] = 1;
                v++;
            }
        }
        int[] idx = new int[stacks * slices * 6];
        int t = 0;
        for (int i = 0; i < stacks; i++) {
            for (int j = 0; j < slices; j++) {
                int a = i * (slices + 1) + j;
                int b = a + slices + 1;
                // a (top-left), b (below), b+1, a+1: CCW seen from outside
                int[] q = {a, b, b + 1, a, b + 1, a + 1};
                System.arraycopy(q, 0, idx, t, 6);
                t += 6;
            }
        }
        TriangleMesh raw = new TriangleMesh(p, n, c, Arrays.copyOf(idx, t));
        return MeshCleanup.dropDegenerate(MeshCleanup.mergeVertices(raw, r * 1e-5f));
    }
}
