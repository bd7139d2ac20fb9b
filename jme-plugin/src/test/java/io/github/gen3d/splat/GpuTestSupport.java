package io.github.gen3d.splat;

import com.jme3.math.Vector3f;
import com.jme3.renderer.Camera;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Independent expectations for GL tests: the spec's per-pixel formula for <b>isotropic</b> splats and a node at the
 * identity (their covariance {@code s² I} is the same in every frame, which keeps this small; colour from
 * {@link SphericalHarmonics#colour}), and image helpers.
 */
final class GpuTestSupport {
    private GpuTestSupport() {
    }

    /** An isotropic splat: centre (world), standard deviation, opacity, colour. */
    record Iso(double x, double y, double z, double s, double opacity, double r, double g, double b) {
    }

    /**
     * The picture the spec predicts for isotropic splats with any SH degree, the node at the identity: splats
     * sorted back to front by {@code c.z}, composited over black into an 8-bit target (each blend step clamped to
     * [0, 1], as GL does; the same as the spec's sum whenever colours stay at or below 1).
     *
     * @param splats the splats (not null, unaffected)
     * @param cam a perspective jME camera (not null, unaffected): its location, axes, fovY (from the frustum), size
     * @param near cull distance
     * @return rgb in [0, 1] per pixel, [j][i][c], unclamped
     */
    static double[][][] expected(List<Iso> splats, Camera cam, double near) {
        return expected(cloudOf(splats), cam, near);
    }

    /**
     * As {@link #expected(List, Camera, double)}, for a cloud whose splats are all isotropic.
     *
     * @param cloud isotropic splats (not null, unaffected)
     * @param cam the camera (not null, unaffected)
     * @param near cull distance
     * @return rgb per pixel, [j][i][c]
     */
    static double[][][] expected(GaussianCloud cloud, Camera cam, double near) {
        int w = cam.getWidth(), h = cam.getHeight();
        double tanHalfY = cam.getFrustumTop() / cam.getFrustumNear();
        double fy = h / (2 * tanHalfY), fx = fy;
        Vector3f eye = cam.getLocation(), left = cam.getLeft(), up = cam.getUp(), dir = cam.getDirection();
        record P(double u, double v, double ca, double cb, double cc, double r, double z, double opacity,
                float[] rgb) {
        }
        List<P> proj = new ArrayList<>();
        float[] pos = cloud.positions(), sc = cloud.scales();
        double[] basis = new double[16];
        for (int i = 0; i < cloud.size(); i++) {
            double s = sc[3 * i];
            if (sc[3 * i + 1] != s || sc[3 * i + 2] != s) {
                throw new IllegalArgumentException("splat " + i + " is not isotropic");
            }
            double px = pos[3 * i] - eye.x, py = pos[3 * i + 1] - eye.y, pz = pos[3 * i + 2] - eye.z;
            // RDF camera: x right (= -left), y down (= -up), z forward
            double cx = -(px * left.x + py * left.y + pz * left.z);
            double cy = -(px * up.x + py * up.y + pz * up.z);
            double cz = px * dir.x + py * dir.y + pz * dir.z;
            if (cz < near) {
                continue;
            }
            double limX = 1.3 * w / (2 * fx), limY = 1.3 * h / (2 * fy);
            double tx = Math.max(-limX, Math.min(limX, cx / cz)), ty = Math.max(-limY, Math.min(limY, cy / cz));
            double[] j0 = {fx / cz, 0, -fx * tx / cz};
            double[] j1 = {0, fy / cz, -fy * ty / cz};
            double s2 = s * s; // W (s² I) Wᵀ = s² I for any rotation W
            double a = s2 * dot(j0, j0) + 0.3, b = s2 * dot(j0, j1), d = s2 * dot(j1, j1) + 0.3;
            double det = a * d - b * b;
            if (det <= 0) {
                continue;
            }
            double mid = (a + d) / 2, lambda = mid + Math.sqrt(Math.max(0.1, mid * mid - det));
            double len = Math.sqrt(px * px + py * py + pz * pz);
            float[] rgb = new float[3];
            SphericalHarmonics.colour(cloud, i, px / len, py / len, pz / len, basis, rgb);
            proj.add(new P(fx * cx / cz + w / 2.0, fy * cy / cz + h / 2.0, d / det, -b / det, a / det,
                    Math.ceil(3 * Math.sqrt(lambda)), cz, cloud.opacities()[i], rgb));
        }
        proj.sort(Comparator.comparingDouble(P::z).reversed()); // back to front
        double[][][] img = new double[h][w][3];
        for (P p : proj) {
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    double dx = i + 0.5 - p.u, dy = j + 0.5 - p.v;
                    if (Math.abs(dx) > p.r || Math.abs(dy) > p.r) {
                        continue;
                    }
                    double power = -0.5 * (p.ca * dx * dx + p.cc * dy * dy) - p.cb * dx * dy;
                    if (power > 0) {
                        continue;
                    }
                    double alpha = Math.min(0.99, p.opacity * Math.exp(power));
                    if (alpha < 1 / 255.0) {
                        continue;
                    }
                    double[] c = img[j][i];
                    for (int ch = 0; ch < 3; ch++) {
                        // an 8-bit (UNORM) target clamps the fragment and each blend result to [0, 1]; this only
                        // matters for colours above 1 (possible with SH: the spec clamps at 0 only)
                        double src = Math.min(1, alpha * p.rgb[ch]);
                        c[ch] = Math.min(1, src + (1 - alpha) * c[ch]);
                    }
                }
            }
        }
        return img;
    }

    /** A cloud (SH degree 0) holding the given isotropic splats. */
    static GaussianCloud cloudOf(List<Iso> splats) {
        GaussianCloud c = new GaussianCloud(splats.size(), 0);
        for (int i = 0; i < splats.size(); i++) {
            Iso s = splats.get(i);
            float sd = (float) s.s;
            c.set(i, new float[] {(float) s.x, (float) s.y, (float) s.z}, new float[] {sd, sd, sd},
                    new float[] {1, 0, 0, 0}, (float) s.opacity);
            c.setColour(i, (float) s.r, (float) s.g, (float) s.b);
        }
        return c;
    }

    /** Largest channel difference (0..255) between a picture and an expectation. */
    static int maxError(BufferedImage img, double[][][] want) {
        int max = 0;
        for (int j = 0; j < img.getHeight(); j++) {
            for (int i = 0; i < img.getWidth(); i++) {
                int[] got = rgb(img, i, j);
                for (int c = 0; c < 3; c++) {
                    int e = (int) Math.round(Math.min(1, want[j][i][c]) * 255);
                    max = Math.max(max, Math.abs(got[c] - e));
                }
            }
        }
        return max;
    }

    /** The expectation as an image (for side-by-side PNGs). */
    static BufferedImage toImage(double[][][] img) {
        int h = img.length, w = img[0].length;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                int r = (int) Math.round(Math.min(1, img[j][i][0]) * 255);
                int g = (int) Math.round(Math.min(1, img[j][i][1]) * 255);
                int b = (int) Math.round(Math.min(1, img[j][i][2]) * 255);
                out.setRGB(i, j, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    /** r, g, b of one pixel, 0..255. */
    static int[] rgb(BufferedImage img, int i, int j) {
        int p = img.getRGB(i, j);
        return new int[] {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
    }

    /** PSNR in dB over r, g, b (8-bit peak); +∞ for identical pictures. */
    static double psnr(BufferedImage a, BufferedImage b) {
        double se = 0;
        for (int j = 0; j < a.getHeight(); j++) {
            for (int i = 0; i < a.getWidth(); i++) {
                int[] x = rgb(a, i, j), y = rgb(b, i, j);
                for (int c = 0; c < 3; c++) {
                    double d = x[c] - y[c];
                    se += d * d;
                }
            }
        }
        double mse = se / (3.0 * a.getWidth() * a.getHeight());
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** Pictures next to each other, each scaled up by an integer factor, with a grey gap. */
    static BufferedImage sideBySide(int scale, BufferedImage... imgs) {
        int gap = 4;
        int w = 0, h = 0;
        for (BufferedImage im : imgs) {
            w += im.getWidth() * scale + gap;
            h = Math.max(h, im.getHeight() * scale);
        }
        BufferedImage out = new BufferedImage(w - gap, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, out.getWidth(), h);
        int x = 0;
        for (BufferedImage im : imgs) {
            g.drawImage(im, x, 0, im.getWidth() * scale, im.getHeight() * scale, null);
            x += im.getWidth() * scale + gap;
        }
        g.dispose();
        return out;
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }
}
