package io.github.gen3d.mesh;

/** Test geometry helpers: point-to-triangle distance, Chamfer distance from points to a mesh surface. */
final class Geometry3 {
    private Geometry3() {
    }

    /** Squared distance from p to triangle abc (closest-point by Voronoi regions). */
    static double pointTriangle2(double[] p, double[] a, double[] b, double[] c) {
        double[] ab = sub(b, a);
        double[] ac = sub(c, a);
        double[] ap = sub(p, a);
        double d1 = dot(ab, ap);
        double d2 = dot(ac, ap);
        if (d1 <= 0 && d2 <= 0) {
            return dist2(p, a);
        }
        double[] bp = sub(p, b);
        double d3 = dot(ab, bp);
        double d4 = dot(ac, bp);
        if (d3 >= 0 && d4 <= d3) {
            return dist2(p, b);
        }
        double vc = d1 * d4 - d3 * d2;
        if (vc <= 0 && d1 >= 0 && d3 <= 0) {
            double v = d1 / (d1 - d3);
            return dist2(p, lerp(a, ab, v));
        }
        double[] cp = sub(p, c);
        double d5 = dot(ab, cp);
        double d6 = dot(ac, cp);
        if (d6 >= 0 && d5 <= d6) {
            return dist2(p, c);
        }
        double vb = d5 * d2 - d1 * d6;
        if (vb <= 0 && d2 >= 0 && d6 <= 0) {
            double w = d2 / (d2 - d6);
            return dist2(p, lerp(a, ac, w));
        }
        double va = d3 * d6 - d5 * d4;
        if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
            double w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
            return dist2(p, lerp(b, sub(c, b), w));
        }
        double denom = 1.0 / (va + vb + vc);
        double v = vb * denom;
        double w = vc * denom;
        double[] q = {a[0] + ab[0] * v + ac[0] * w, a[1] + ab[1] * v + ac[1] * w, a[2] + ab[2] * v + ac[2] * w};
        return dist2(p, q);
    }

    /** Distance from each vertex of {@code from} to the surface of {@code to} (brute force). */
    static double[] vertexToSurface(TriangleMesh from, TriangleMesh to) {
        double[] out = new double[from.vertexCount()];
        for (int i = 0; i < from.vertexCount(); i++) {
            double[] p = vertex(from, i);
            double best = Double.MAX_VALUE;
            int[] idx = to.indices();
            for (int t = 0; t < idx.length; t += 3) {
                best = Math.min(best, pointTriangle2(p, vertex(to, idx[t]), vertex(to, idx[t + 1]),
                        vertex(to, idx[t + 2])));
            }
            out[i] = Math.sqrt(best);
        }
        return out;
    }

    static double[] vertex(TriangleMesh m, int i) {
        float[] p = m.positions();
        return new double[] {p[3 * i], p[3 * i + 1], p[3 * i + 2]};
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double max(double[] v) {
        double s = 0;
        for (double x : v) {
            s = Math.max(s, x);
        }
        return s;
    }

    private static double[] lerp(double[] a, double[] d, double t) {
        return new double[] {a[0] + d[0] * t, a[1] + d[1] * t, a[2] + d[2] * t};
    }

    private static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double dist2(double[] a, double[] b) {
        double[] d = sub(a, b);
        return dot(d, d);
    }
}
