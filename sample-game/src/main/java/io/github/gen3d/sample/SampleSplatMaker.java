package io.github.gen3d.sample;

import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SplatIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

/**
 * Writes the shipped sample splat ({@code assets/Splats/mushroom.*}): a procedural toadstool made of flat Gaussians
 * laid on its surface, with baked soft lighting and a view-dependent sheen on the cap (SH degree 1). Deterministic:
 * running it again produces the same files.
 *
 * <p>Usage: {@code mvn -q -pl sample-game exec:java -Dexec.mainClass=io.github.gen3d.sample.SampleSplatMaker
 * -Dexec.args=assets/Splats}
 */
public final class SampleSplatMaker {
    private SampleSplatMaker() {
    }

    /**
     * Entry point.
     *
     * @param args optional output folder (default assets/Splats)
     * @throws IOException on a write failure
     */
    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args.length > 0 ? args[0] : "assets/Splats");
        Files.createDirectories(dir);
        GaussianCloud cloud = mushroom(24_000, 42);
        SplatIO.write(cloud, dir.resolve("mushroom.ply"));
        SplatIO.write(cloud, dir.resolve("mushroom.spz"));
        SplatIO.write(cloud, dir.resolve("mushroom.splat"));
        System.out.println("wrote " + cloud + " to " + dir.toAbsolutePath());
    }

    /**
     * Builds the toadstool in jME's frame (+Y up), about 1.2 units tall, standing on y = 0.
     *
     * @param n number of splats
     * @param seed random seed
     * @return a new cloud with SH degree 1
     */
    static GaussianCloud mushroom(int n, long seed) {
        Random r = new Random(seed);
        GaussianCloud c = new GaussianCloud(n, 1);
        float[] light = normalize(new float[] {0.5f, 0.8f, 0.6f});
        int capCount = n * 11 / 20;
        int stemCount = n * 5 / 20;
        for (int i = 0; i < n; i++) {
            float[] p;
            float[] nrm;
            float[] col;
            float size;
            if (i < capCount) {
                // cap: upper half of an ellipsoid (radius 0.55, half-height 0.38) centred at y = 0.72
                double u = r.nextDouble() * 2 * Math.PI;
                double v = Math.acos(1 - r.nextDouble() * 1.08); // slightly past the equator
                double sx = Math.sin(v) * Math.cos(u), sy = Math.cos(v), sz = Math.sin(v) * Math.sin(u);
                p = new float[] {(float) (0.55 * sx), (float) (0.72 + 0.38 * sy), (float) (0.55 * sz)};
                nrm = normalize(new float[] {(float) (sx / 0.55), (float) (sy / 0.38), (float) (sz / 0.55)});
                col = new float[] {0.78f, 0.10f, 0.08f};
                // white spots: a fixed set of directions on the cap
                if (spot(sx, sy, sz)) {
                    col = new float[] {0.95f, 0.93f, 0.88f};
                }
                size = 0.018f;
            } else if (i < capCount + stemCount) {
                // stem: a slightly bulging cylinder from y = 0 to y = 0.75
                double u = r.nextDouble() * 2 * Math.PI;
                double h = r.nextDouble() * 0.75;
                double rad = 0.13 + 0.03 * Math.sin(h / 0.75 * Math.PI) + 0.03 * (1 - h / 0.75);
                p = new float[] {(float) (rad * Math.cos(u)), (float) h, (float) (rad * Math.sin(u))};
                nrm = new float[] {(float) Math.cos(u), 0, (float) Math.sin(u)};
                col = new float[] {0.92f, 0.86f, 0.72f};
                size = 0.014f;
            } else {
                // gills: the underside of the cap, a flat ring facing down
                double u = r.nextDouble() * 2 * Math.PI;
                double rad = 0.15 + Math.sqrt(r.nextDouble()) * 0.38;
                p = new float[] {(float) (rad * Math.cos(u)), 0.69f, (float) (rad * Math.sin(u))};
                nrm = new float[] {0, -1, 0};
                double stripe = 0.5 + 0.5 * Math.cos(u * 60);
                col = new float[] {(float) (0.70 + 0.1 * stripe), (float) (0.60 + 0.1 * stripe), 0.48f};
                size = 0.016f;
            }
            float lambert = Math.max(0, dot(nrm, light));
            float shade = 0.35f + 0.65f * lambert;
            float jitter = 1 + (float) r.nextGaussian() * 0.04f;
            c.set(i, p, new float[] {size * jitter, size * jitter, size * 0.25f}, quatFromZ(nrm),
                    0.85f + 0.15f * r.nextFloat());
            c.setColour(i, clamp(col[0] * shade * jitter), clamp(col[1] * shade * jitter),
                    clamp(col[2] * shade * jitter));
            if (i < capCount) {
                // band 1: brighter when seen from the lit side (Y1 ∝ (−y, z, −x) for coefficients 1..3)
                float k = 0.25f;
                int base = i * 4 * 3;
                for (int ch = 0; ch < 3; ch++) {
                    c.sh()[base + 3 + ch] = k * light[1];
                    c.sh()[base + 6 + ch] = -k * light[2];
                    c.sh()[base + 9 + ch] = k * light[0];
                }
            }
        }
        return c;
    }

    private static boolean spot(double x, double y, double z) {
        double[][] centres = {{0, 1, 0}, {0.6, 0.7, 0.2}, {-0.5, 0.75, 0.4}, {0.1, 0.6, -0.8},
            {-0.7, 0.5, -0.4}, {0.75, 0.3, -0.55}, {-0.2, 0.4, 0.9}, {0.85, 0.35, 0.4}, {-0.9, 0.3, 0.2}};
        for (double[] s : centres) {
            double len = Math.sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
            double d = (x * s[0] + y * s[1] + z * s[2]) / len;
            if (d > 0.975) {
                return true;
            }
        }
        return false;
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    private static float dot(float[] a, float[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static float[] normalize(float[] v) {
        float l = (float) Math.sqrt(dot(v, v));
        return new float[] {v[0] / l, v[1] / l, v[2] / l};
    }

    /** Quaternion (w,x,y,z) turning +Z onto the unit vector n. */
    private static float[] quatFromZ(float[] n) {
        float d = n[2];
        if (d < -0.999999f) {
            return new float[] {0, 1, 0, 0};
        }
        // axis = z × n = (−n.y, n.x, 0), w = 1 + d, then normalise
        return new float[] {1 + d, -n[1], n[0], 0};
    }
}
