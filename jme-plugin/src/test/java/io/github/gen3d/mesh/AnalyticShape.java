package io.github.gen3d.mesh;

import io.github.gen3d.splat.GaussianCloud;
import java.util.Random;

/** Analytic closed shapes: exact SDF, area-uniform surface samples with outward normals, and a splat version. */
abstract class AnalyticShape {
    /** Exact signed distance (negative inside). */
    abstract double sdf(double x, double y, double z);

    /** A random surface point and its outward normal, written to p[0..2] and n[0..2]; uniform by area. */
    abstract void sample(Random r, double[] p, double[] n);

    /** Surface area. */
    abstract double area();

    /** Half the bounding-box diagonal times 2: the full diagonal. */
    abstract double diagonal();

    static AnalyticShape sphere(double rad) {
        return new AnalyticShape() {
            double sdf(double x, double y, double z) {
                return Math.sqrt(x * x + y * y + z * z) - rad;
            }

            void sample(Random r, double[] p, double[] n) {
                double z = 2 * r.nextDouble() - 1, phi = 2 * Math.PI * r.nextDouble(), s = Math.sqrt(1 - z * z);
                n[0] = s * Math.cos(phi);
                n[1] = z;
                n[2] = s * Math.sin(phi);
                for (int k = 0; k < 3; k++) {
                    p[k] = rad * n[k];
                }
            }

            double area() {
                return 4 * Math.PI * rad * rad;
            }

            double diagonal() {
                return 2 * rad * Math.sqrt(3);
            }
        };
    }

    static AnalyticShape box(double hx, double hy, double hz) {
        double[] h = {hx, hy, hz};
        return new AnalyticShape() {
            double sdf(double x, double y, double z) {
                double qx = Math.abs(x) - hx, qy = Math.abs(y) - hy, qz = Math.abs(z) - hz;
                double ox = Math.max(qx, 0), oy = Math.max(qy, 0), oz = Math.max(qz, 0);
                return Math.sqrt(ox * ox + oy * oy + oz * oz) + Math.min(Math.max(qx, Math.max(qy, qz)), 0);
            }

            void sample(Random r, double[] p, double[] n) {
                double[] faceArea = {hy * hz, hx * hz, hx * hy};
                double pick = r.nextDouble() * (faceArea[0] + faceArea[1] + faceArea[2]);
                int axis = pick < faceArea[0] ? 0 : pick < faceArea[0] + faceArea[1] ? 1 : 2;
                double sign = r.nextBoolean() ? 1 : -1;
                for (int k = 0; k < 3; k++) {
                    p[k] = k == axis ? sign * h[k] : (2 * r.nextDouble() - 1) * h[k];
                    n[k] = k == axis ? sign : 0;
                }
            }

            double area() {
                return 8 * (hx * hy + hy * hz + hx * hz);
            }

            double diagonal() {
                return 2 * Math.sqrt(hx * hx + hy * hy + hz * hz);
            }
        };
    }

    /** Torus around the y axis. */
    static AnalyticShape torus(double big, double small) {
        return new AnalyticShape() {
            double sdf(double x, double y, double z) {
                double q = Math.sqrt(x * x + z * z) - big;
                return Math.sqrt(q * q + y * y) - small;
            }

            void sample(Random r, double[] p, double[] n) {
                double u, v;
                do { // rejection sampling by the area element (big + small cos v)
                    u = 2 * Math.PI * r.nextDouble();
                    v = 2 * Math.PI * r.nextDouble();
                } while (r.nextDouble() * (big + small) > big + small * Math.cos(v));
                n[0] = Math.cos(v) * Math.cos(u);
                n[1] = Math.sin(v);
                n[2] = Math.cos(v) * Math.sin(u);
                p[0] = big * Math.cos(u) + small * n[0];
                p[1] = small * n[1];
                p[2] = big * Math.sin(u) + small * n[2];
            }

            double area() {
                return 4 * Math.PI * Math.PI * big * small;
            }

            double diagonal() {
                double e = big + small;
                return Math.sqrt(4 * e * e * 2 + 4 * small * small);
            }
        };
    }

    /**
     * Flat opaque Gaussians on the surface (thin axis along the outward normal), sized so neighbours overlap,
     * coloured by the normal.
     */
    GaussianCloud splats(int count, long seed) {
        Random r = new Random(seed);
        GaussianCloud c = new GaussianCloud(count, 0);
        float sigma = (float) (0.9 * Math.sqrt(area() / count));
        double[] p = new double[3], n = new double[3];
        for (int i = 0; i < count; i++) {
            sample(r, p, n);
            // quaternion (w, x, y, z) turning local +z onto n
            float w = (float) (1 + n[2]), qx = (float) -n[1], qy = (float) n[0], qz = 0;
            if (w < 1e-6f) {
                w = 0;
                qx = 1;
                qy = 0;
            }
            float len = (float) Math.sqrt(w * w + qx * qx + qy * qy + qz * qz);
            c.set(i, new float[] {(float) p[0], (float) p[1], (float) p[2]},
                    new float[] {sigma, sigma, sigma * 0.05f}, new float[] {w / len, qx / len, qy / len, qz / len},
                    0.95f);
            c.setColour(i, (float) (0.5 + 0.4 * n[0]), (float) (0.5 + 0.4 * n[1]), (float) (0.5 + 0.4 * n[2]));
        }
        return c;
    }
}
