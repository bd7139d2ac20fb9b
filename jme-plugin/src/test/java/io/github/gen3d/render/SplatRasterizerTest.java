package io.github.gen3d.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.ColorRGBA;
import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import io.github.gen3d.splat.GaussianCloud;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * Closed-form checks of the rasterizer. Expectations are computed here from the formulas of docs/rendering.md, not
 * taken from the code under test. Each check runs on both paths.
 */
class SplatRasterizerTest {
    /** Y00 and the band-1 constant, written out independently of SphericalHarmonics. */
    private static final double Y00 = 0.5 / Math.sqrt(Math.PI);
    private static final double Y1 = Math.sqrt(3.0 / (4.0 * Math.PI));

    private final SplatRasterizer rasterizer = new SplatRasterizer();

    private static RenderOptions opts() {
        return RenderOptions.defaults().withThreads(2);
    }

    private RenderResult[] both(GaussianCloud cloud, Transform t, PinholeCamera cam) {
        return new RenderResult[] {rasterizer.render(cloud, t, cam, opts()),
            rasterizer.renderReference(cloud, t, cam, null)};
    }

    /** Focal length of a lookAt/orbit camera. */
    private static double focal(int height, double fovY) {
        return height / (2 * Math.tan(Math.toRadians(fovY) / 2));
    }

    private static GaussianCloud single(float x, float y, float z, float scale, float opacity) {
        GaussianCloud c = new GaussianCloud(1, 0);
        c.set(0, new float[] {x, y, z}, new float[] {scale, scale, scale}, new float[] {1, 0, 0, 0}, opacity);
        c.setColour(0, 1, 1, 1);
        return c;
    }

    @Test
    void isotropicFootprintMatchesClosedForm() {
        int size = 65; // odd: pixel (32, 32) is centred on the optical axis
        double fov = 40, dist = 2, s = 0.05, o = 0.3;
        PinholeCamera cam = PinholeCamera.lookAt(new Vector3f(0, 0, (float) dist), Vector3f.ZERO, Vector3f.UNIT_Y,
                (float) fov, size, size);
        double f = focal(size, fov);
        double sigma2 = Math.pow(f * s / dist, 2) + 0.3;
        int radius = (int) Math.ceil(3 * Math.sqrt(sigma2 + Math.sqrt(0.1)));
        double cut = Math.sqrt(sigma2) * Math.sqrt(2 * Math.log(255 * o));
        assertTrue(cut < radius, "test set-up: the 1/255 cut must lie inside the square");
        for (RenderResult r : both(single(0, 0, 0, (float) s, (float) o), null, cam)) {
            float[] a = r.alpha();
            assertEquals(o, a[32 * size + 32], 1e-6, "centre alpha = min(0.99, o)");
            int compared = 0;
            for (int j = 0; j < size; j++) {
                for (int i = 0; i < size; i++) {
                    double d2 = (i - 32) * (i - 32) + (j - 32) * (j - 32);
                    double expected = o * Math.exp(-d2 / (2 * sigma2));
                    if (Math.abs(expected - 1 / 255.0) < 1e-5) {
                        continue; // on the cut, rounding decides
                    }
                    if (expected < 1 / 255.0 || Math.abs(i - 32) > radius || Math.abs(j - 32) > radius) {
                        expected = 0;
                    }
                    assertEquals(expected, a[j * size + i], 2e-6, "alpha at " + i + "," + j);
                    compared++;
                }
            }
            assertTrue(compared > size * size - 20);
            // the 1/255 cut along the row through the centre
            int lastLit = 0;
            for (int i = 32; i < size && a[32 * size + i] > 0; i++) {
                lastLit = i - 32;
            }
            assertEquals((int) Math.floor(cut), lastLit, "cut radius " + cut);
        }
    }

    /**
     * The alpha image of one splat from its image centre and 2D covariance (low-pass included), per
     * docs/rendering.md: square of radius ceil(3·sqrt(λmax)), α = min(0.99, o·exp(−½ dᵀΣ⁻¹d)), cut below 1/255.
     * Pixels within 1e-5 of the cut get NaN (rounding decides them).
     */
    private static double[] expectedAlpha(int w, int h, double u, double v, double s00, double s01, double s11,
            double o) {
        double det = s00 * s11 - s01 * s01;
        double mid = 0.5 * (s00 + s11);
        double radius = Math.ceil(3 * Math.sqrt(mid + Math.sqrt(Math.max(0.1, mid * mid - det))));
        double[] out = new double[w * h];
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                double dx = i + 0.5 - u, dy = j + 0.5 - v;
                double q = (s11 * dx * dx - 2 * s01 * dx * dy + s00 * dy * dy) / det;
                double a = o * Math.exp(-0.5 * q);
                if (Math.abs(a - 1 / 255.0) < 1e-5) {
                    out[j * w + i] = Double.NaN;
                } else {
                    boolean inSquare = Math.abs(dx) <= radius && Math.abs(dy) <= radius;
                    out[j * w + i] = a < 1 / 255.0 || !inSquare ? 0 : Math.min(0.99, a);
                }
            }
        }
        return out;
    }

    private static int assertAlphaImage(double[] expected, float[] actual, double tol) {
        int lit = 0;
        for (int p = 0; p < expected.length; p++) {
            if (!Double.isNaN(expected[p])) {
                assertEquals(expected[p], actual[p], tol, "alpha at pixel " + p);
                if (expected[p] > 0) {
                    lit++;
                }
            }
        }
        return lit;
    }

    @Test
    void offAxisFootprintUsesTheJacobianAndItsClamp() {
        int w = 80, h = 60;
        double fov = 40, dist = 2, s = 0.08, o = 0.8;
        PinholeCamera cam = PinholeCamera.lookAt(new Vector3f(0, 0, (float) dist), Vector3f.ZERO, Vector3f.UNIT_Y,
                (float) fov, w, h);
        double f = focal(h, fov);
        double limX = 1.3 * w / (2 * f), limY = 1.3 * h / (2 * f);
        // (x, y) world offsets at depth `dist`: well inside, and far to the right so that tx is clamped
        double[][] cases = {{0.35, 0.25, 0.08}, {-0.3, -0.2, 0.08}, {1.5, 0.1, 0.6}};
        for (double[] cs : cases) {
            double x = cs[0], y = cs[1], sc = cs[2];
            double tx = x / dist, ty = -y / dist; // RDF: c = (x, −y, dist)
            boolean clamped = Math.abs(tx) > limX;
            double ctx = Math.max(-limX, Math.min(limX, tx)), cty = Math.max(-limY, Math.min(limY, ty));
            double k = sc * sc * (f / dist) * (f / dist);
            // W Σ Wᵀ = s² I for an isotropic splat, so Σ' = s² J Jᵀ + 0.3 I
            double s00 = k * (1 + ctx * ctx) + 0.3, s01 = k * ctx * cty, s11 = k * (1 + cty * cty) + 0.3;
            double u = f * tx + w / 2.0, v = f * ty + h / 2.0;
            double[] expected = expectedAlpha(w, h, u, v, s00, s01, s11, o);
            for (RenderResult r : both(single((float) x, (float) y, 0, (float) sc, (float) o), null, cam)) {
                int lit = assertAlphaImage(expected, r.alpha(), 2e-5);
                assertTrue(lit > 30, "lit " + lit);
            }
            if (clamped) {
                // without the clamp the footprint would be visibly different
                double us00 = k * (1 + tx * tx) + 0.3, us01 = k * tx * cty;
                double[] unclamped = expectedAlpha(w, h, u, v, us00, us01, s11, o);
                double maxDiff = 0;
                for (int p = 0; p < w * h; p++) {
                    if (!Double.isNaN(unclamped[p]) && !Double.isNaN(expected[p])) {
                        maxDiff = Math.max(maxDiff, Math.abs(unclamped[p] - expected[p]));
                    }
                }
                assertTrue(maxDiff > 0.01, "test set-up: clamp makes no difference " + maxDiff);
            }
        }
    }

    @Test
    void rotatedAnisotropicSplatsMatchClosedFormFromAnObliqueCamera() {
        int w = 96, h = 72;
        double fov = 50;
        Vector3f eye = new Vector3f(1.2f, 0.8f, 2.5f), target = new Vector3f(0.1f, -0.1f, 0);
        PinholeCamera cam = PinholeCamera.lookAt(eye, target, Vector3f.UNIT_Y, (float) fov, w, h);
        double f = focal(h, fov);
        // world → RDF rotation from the lookAt inputs: rows right, down, forward
        double[] fw = normalize(target.x - eye.x, target.y - eye.y, target.z - eye.z);
        double[] right = normalize(fw[1] * 0 - fw[2] * 1, fw[2] * 0 - fw[0] * 0, fw[0] * 1 - fw[1] * 0);
        double[] down = cross(fw, right);
        double[][] wm = {right, down, fw};
        double limX = 1.3 * w / (2 * f), limY = 1.3 * h / (2 * f);
        java.util.Random rnd = new java.util.Random(5);
        for (int n = 0; n < 12; n++) {
            float[] pos = {(float) (rnd.nextDouble() - 0.5), (float) (rnd.nextDouble() - 0.5),
                (float) (rnd.nextDouble() - 0.5)};
            if (n == 11) {
                pos = new float[] {-1.6f, 0.2f, 0.4f}; // outside the clamp limit, reaching into the picture
            }
            double[] sc = {0.02 + 0.1 * rnd.nextDouble(), 0.02 + 0.1 * rnd.nextDouble(), 0.01 + 0.05 * rnd.nextDouble()};
            if (n == 11) {
                sc = new double[] {0.5, 0.4, 0.3};
            }
            double[] q = normalize4(rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian());
            double o = 0.3 + 0.7 * rnd.nextDouble();
            GaussianCloud c = new GaussianCloud(1, 0);
            c.set(0, pos, new float[] {(float) sc[0], (float) sc[1], (float) sc[2]},
                    new float[] {(float) q[0], (float) q[1], (float) q[2], (float) q[3]}, (float) o);
            // Σ = R S² Rᵀ, then camera space W Σ Wᵀ
            double[][] r = rotation(q);
            double[][] sigma = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 3; k++) {
                        sigma[i][j] += r[i][k] * sc[k] * sc[k] * r[j][k];
                    }
                }
            }
            double[][] cs = mul(mul(wm, sigma), transpose(wm));
            double[] d = {pos[0] - eye.x, pos[1] - eye.y, pos[2] - eye.z};
            double cx = dot(right, d), cy = dot(down, d), cz = dot(fw, d);
            double tx = Math.max(-limX, Math.min(limX, cx / cz)), ty = Math.max(-limY, Math.min(limY, cy / cz));
            double[][] j = {{f / cz, 0, -f * tx / cz}, {0, f / cz, -f * ty / cz}};
            double[][] s2 = mul(mul(j, cs), transpose(j));
            double u = f * cx / cz + w / 2.0, v = f * cy / cz + h / 2.0;
            double[] expected = expectedAlpha(w, h, u, v, s2[0][0] + 0.3, s2[0][1], s2[1][1] + 0.3, o);
            for (RenderResult res : both(c, null, cam)) {
                int lit = assertAlphaImage(expected, res.alpha(), 2e-5);
                assertTrue(n == 11 ? lit > 100 : lit > 5, "splat " + n + " lit " + lit);
            }
        }
    }

    private static double[] normalize(double x, double y, double z) {
        double l = Math.sqrt(x * x + y * y + z * z);
        return new double[] {x / l, y / l, z / l};
    }

    private static double[] normalize4(double w, double x, double y, double z) {
        double l = Math.sqrt(w * w + x * x + y * y + z * z);
        return new double[] {w / l, x / l, y / l, z / l};
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    /** Rotation matrix of a unit quaternion (w, x, y, z), written out here independently of the code under test. */
    private static double[][] rotation(double[] q) {
        double w = q[0], x = q[1], y = q[2], z = q[3];
        return new double[][] {{1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)},
            {2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)},
            {2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)}};
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] m = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    m[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return m;
    }

    private static double[][] transpose(double[][] a) {
        double[][] m = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                m[j][i] = a[i][j];
            }
        }
        return m;
    }

    @Test
    void medianDepthIsSetWhenTransmittanceReachesHalf() {
        int size = 33;
        PinholeCamera cam = PinholeCamera.lookAt(new Vector3f(0, 0, 3), Vector3f.ZERO, Vector3f.UNIT_Y, 30, size, size);
        int p = 16 * size + 16;
        // at the centre pixel alpha = o exactly, so T = 1 − o
        for (RenderResult r : both(single(0, 0, 0, 0.05f, 0.5f), null, cam)) {
            assertEquals(3f, r.medianDepth()[p], 1e-6f, "T = 0.5 counts as reached");
        }
        for (RenderResult r : both(single(0, 0, 0, 0.05f, 0.49f), null, cam)) {
            assertEquals(0f, r.medianDepth()[p], "T = 0.51 is not");
            assertEquals(3f, r.expectedDepth()[p], 1e-6f);
        }
    }

    @Test
    void opaqueCentreIsClampedTo099AndSquareBoundsTheSplat() {
        int size = 65;
        PinholeCamera cam = PinholeCamera.lookAt(new Vector3f(0, 0, 2), Vector3f.ZERO, Vector3f.UNIT_Y, 40, size, size);
        double f = focal(size, 40);
        double sigma2 = Math.pow(f * 0.02 / 2, 2) + 0.3;
        int radius = (int) Math.ceil(3 * Math.sqrt(sigma2 + Math.sqrt(0.1)));
        for (RenderResult r : both(single(0, 0, 0, 0.02f, 1f), null, cam)) {
            assertEquals(0.99f, r.alpha()[32 * size + 32], 1e-7f);
            for (int j = 0; j < size; j++) {
                for (int i = 0; i < size; i++) {
                    if (Math.abs(i - 32) > radius || Math.abs(j - 32) > radius) {
                        assertEquals(0f, r.alpha()[j * size + i], "outside the square at " + i + "," + j);
                    }
                }
            }
            // on the axis the 1/255 cut (3.33σ) is inside the square, so the last lit pixel is set by it
            double cut = Math.sqrt(sigma2) * Math.sqrt(2 * Math.log(255 * 0.99));
            assertTrue(r.alpha()[32 * size + 32 + (int) Math.floor(cut)] > 0);
        }
    }

    @Test
    void colourComesFromDcTermAndIsClampedAtZero() {
        int size = 33;
        PinholeCamera cam = PinholeCamera.lookAt(new Vector3f(0, 0, 3), Vector3f.ZERO, Vector3f.UNIT_Y, 30, size, size);
        GaussianCloud c = single(0, 0, 0, 0.05f, 0.7f);
        float[] dc = {0.7f, -0.4f, -3f};
        System.arraycopy(dc, 0, c.sh(), 0, 3);
        for (RenderResult r : both(c, null, cam)) {
            int centre = 16 * size + 16;
            int off = 16 * size + 18;
            for (int ch = 0; ch < 3; ch++) {
                double rgb = Math.max(0, 0.5 + Y00 * dc[ch]);
                assertEquals(0.7 * rgb, r.colour()[3 * centre + ch], 1e-6, "channel " + ch);
                assertEquals(r.alpha()[off] * rgb, r.colour()[3 * off + ch], 1e-6, "channel " + ch + " off centre");
            }
            assertEquals(0f, r.colour()[3 * centre + 2]);
        }
    }

    @Test
    void anisotropicSplatIsOrientedAt30Degrees() {
        int size = 129;
        PinholeCamera cam = PinholeCamera.lookAt(new Vector3f(0, 0, 2), Vector3f.ZERO, Vector3f.UNIT_Y, 60, size, size);
        GaussianCloud c = new GaussianCloud(1, 0);
        double half = Math.toRadians(15);
        // long local x axis turned 30° about +Z (towards +Y): counter-clockwise as the camera sees it
        c.set(0, new float[] {0, 0, 0}, new float[] {0.3f, 0.06f, 0.06f},
                new float[] {(float) Math.cos(half), 0, 0, (float) Math.sin(half)}, 0.3f);
        for (RenderResult r : both(c, null, cam)) {
            double sw = 0, su = 0, sv = 0;
            float[] a = r.alpha();
            for (int j = 0; j < size; j++) {
                for (int i = 0; i < size; i++) {
                    double w = a[j * size + i];
                    sw += w;
                    su += w * (i + 0.5);
                    sv += w * (j + 0.5);
                }
            }
            double mu = su / sw, mv = sv / sw, cuu = 0, cuv = 0, cvv = 0;
            for (int j = 0; j < size; j++) {
                for (int i = 0; i < size; i++) {
                    double w = a[j * size + i], du = i + 0.5 - mu, dv = j + 0.5 - mv;
                    cuu += w * du * du;
                    cuv += w * du * dv;
                    cvv += w * dv * dv;
                }
            }
            assertEquals(size / 2.0, mu, 1e-3);
            assertEquals(size / 2.0, mv, 1e-3);
            // v grows downwards, so an axis at +30° above the horizontal has a negative angle in (u, v)
            double angle = -Math.toDegrees(0.5 * Math.atan2(2 * cuv, cuu - cvv));
            assertEquals(30.0, angle, 1.0);
            assertTrue(cuu + cvv > 20 * Math.sqrt(cuu * cvv - cuv * cuv) / 5, "elongated");
        }
    }

    private static GaussianCloud redInFrontOfBlue() {
        GaussianCloud c = new GaussianCloud(2, 0);
        // blue first in index order, so that drawing by index would get the order wrong from the front
        c.set(0, new float[] {0, 0, -0.2f}, new float[] {0.05f, 0.05f, 0.05f}, new float[] {1, 0, 0, 0}, 0.8f);
        c.setColour(0, 0, 0, 1);
        c.set(1, new float[] {0, 0, 0.2f}, new float[] {0.05f, 0.05f, 0.05f}, new float[] {1, 0, 0, 0}, 0.6f);
        c.setColour(1, 1, 0, 0);
        return c;
    }

    @Test
    void overlappingSplatsCompositeFrontToBackFromBothSides() {
        int size = 65;
        int p = 32 * size + 32;
        double aRed = 0.6, aBlue = 0.8;
        for (float az : new float[] {0, 180}) {
            PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 3, az, 0, 40, size, size);
            boolean redFirst = az == 0;
            double a1 = redFirst ? aRed : aBlue, a2 = redFirst ? aBlue : aRed;
            double[] c1 = redFirst ? new double[] {1, 0, 0} : new double[] {0, 0, 1};
            double[] c2 = redFirst ? new double[] {0, 0, 1} : new double[] {1, 0, 0};
            double z1 = 2.8, z2 = 3.2;
            for (RenderResult r : both(redInFrontOfBlue(), null, cam)) {
                for (int ch = 0; ch < 3; ch++) {
                    double expected = a1 * c1[ch] + (1 - a1) * a2 * c2[ch];
                    assertEquals(expected, r.colour()[3 * p + ch], 1e-5, "az " + az + " channel " + ch);
                }
                assertEquals(1 - (1 - a1) * (1 - a2), r.alpha()[p], 1e-5);
                double w1 = a1, w2 = (1 - a1) * a2;
                assertEquals((w1 * z1 + w2 * z2) / (w1 + w2), r.expectedDepth()[p], 1e-5);
                assertEquals(z1, r.medianDepth()[p], 1e-5);
            }
        }
    }

    @Test
    void shDegree1ChangesColourWithViewSide() {
        int size = 33;
        int p = 16 * size + 16;
        GaussianCloud c = new GaussianCloud(1, 1);
        c.set(0, new float[] {0, 0, 0}, new float[] {0.05f, 0.05f, 0.05f}, new float[] {1, 0, 0, 0}, 0.5f);
        c.setColour(0, 0.5f, 0.5f, 0.5f);
        float zCoef = 0.5f, xCoef = 0.4f;
        c.sh()[(2) * 3] = zCoef; // k = 2 (∝ z), red
        c.sh()[(3) * 3 + 1] = xCoef; // k = 3 (∝ −x), green
        // direction camera → splat: az 0 → (0,0,−1), az 180 → (0,0,1), az 90 → (−1,0,0), az 270 → (1,0,0)
        double[][] dirs = {{0, 0, -1}, {-1, 0, 0}, {0, 0, 1}, {1, 0, 0}};
        float[] azs = {0, 90, 180, 270};
        double[][] red = new double[4][2];
        for (int k = 0; k < 4; k++) {
            PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 3, azs[k], 0, 30, size, size);
            double[] d = dirs[k];
            double er = 0.5 + zCoef * Y1 * d[2];
            double eg = 0.5 - xCoef * Y1 * d[0];
            RenderResult[] rs = both(c, null, cam);
            for (int m = 0; m < 2; m++) {
                RenderResult r = rs[m];
                assertEquals(0.5 * er, r.colour()[3 * p], 1e-6, "red at az " + azs[k]);
                assertEquals(0.5 * eg, r.colour()[3 * p + 1], 1e-6, "green at az " + azs[k]);
                assertEquals(0.25, r.colour()[3 * p + 2], 1e-6, "blue at az " + azs[k]);
                red[k][m] = r.colour()[3 * p];
            }
        }
        // opposite sides differ by alpha · 2 · coefficient · Y1
        for (int m = 0; m < 2; m++) {
            assertEquals(0.5 * 2 * zCoef * Y1, red[2][m] - red[0][m], 1e-6);
        }
    }

    @Test
    void worldTransformEqualsTransformedCloud() {
        GaussianCloud cloud = TestClouds.random(300, 3, 0.5f, 0.02f, 0.08f, 42);
        Quaternion rot = new Quaternion().fromAngles(0.3f, 1.1f, -0.4f);
        Transform t = new Transform(new Vector3f(0.3f, -0.2f, 0.1f), rot, new Vector3f(1.7f, 1.7f, 1.7f));
        GaussianCloud moved = cloud.copy().transformInPlace(t);
        PinholeCamera cam = PinholeCamera.orbit(t.getTranslation(), 4, 30, 20, 45, 96, 96);
        RenderResult a = rasterizer.render(cloud, t, cam, opts());
        RenderResult b = rasterizer.render(moved, Transform.IDENTITY, cam, opts());
        RenderResult a2 = rasterizer.renderReference(cloud, t, cam, null);
        assertCovered(a, 0.2);
        // pixels on a splat's 1/255 cut or square edge may flip with float rounding, so compare the mean too
        double[] colour = diff(a.colour(), b.colour());
        double[] alpha = diff(a.alpha(), b.alpha());
        double[] depth = diff(a.expectedDepth(), b.expectedDepth());
        assertTrue(colour[0] < 5e-6 && colour[1] < 0.01, "colour mean/max " + colour[0] + " " + colour[1]);
        assertTrue(alpha[0] < 5e-6 && alpha[1] < 0.01, "alpha mean/max " + alpha[0] + " " + alpha[1]);
        assertTrue(depth[0] < 5e-5, "depth mean " + depth[0]);
        assertTrue(diff(a.colour(), a2.colour())[1] <= 1e-5);
        // and a transform really moves things: without it the picture differs
        RenderResult plain = rasterizer.render(cloud, null, cam, opts());
        assertTrue(diff(a.alpha(), plain.alpha())[0] > 0.01);
    }

    @Test
    void nonUniformScaleIsRejected() {
        Transform t = new Transform(Vector3f.ZERO, new Quaternion(), new Vector3f(1, 2, 1));
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 3, 0, 0, 30, 8, 8);
        assertThrows(IllegalArgumentException.class, () -> rasterizer.render(single(0, 0, 0, 0.1f, 1), t, cam, null));
    }

    @Test
    void depthIsAlongTheViewAxis() {
        int size = 65;
        PinholeCamera cam = PinholeCamera.lookAt(new Vector3f(0, 0, 3), Vector3f.ZERO, Vector3f.UNIT_Y, 40, size, size);
        float z = 2.5f; // the splat is off-axis at world z = 0.5: its depth is 2.5, its distance more
        for (RenderResult r : both(single(0.3f, -0.2f, 0.5f, 0.1f, 1f), null, cam)) {
            int hit = 0, opaque = 0;
            for (int p = 0; p < size * size; p++) {
                float al = r.alpha()[p];
                if (al == 0) {
                    assertEquals(0f, r.expectedDepth()[p]);
                    assertEquals(0f, r.medianDepth()[p]);
                    continue;
                }
                hit++;
                assertEquals(z, r.expectedDepth()[p], 1e-5f);
                if (al >= 0.5f) {
                    opaque++;
                    assertEquals(z, r.medianDepth()[p], 0f);
                } else {
                    assertEquals(0f, r.medianDepth()[p]);
                }
            }
            assertTrue(hit > 100 && opaque > 20, hit + " " + opaque);
            // the brightest pixel is where the centre projects
            Vector3f uv = cam.project(new Vector3f(0.3f, -0.2f, 0.5f), null);
            int best = argMax(r.alpha());
            assertEquals((int) Math.floor(uv.x), best % size);
            assertEquals((int) Math.floor(uv.y), best / size);
            assertTrue(r.alpha()[best] > 0.95f);
        }
    }

    @Test
    void emptyAndInvisibleCloudsGiveZeroImages() {
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 3, 0, 0, 30, 20, 10);
        GaussianCloud behind = single(0, 0, 5, 0.1f, 1f); // behind the camera at z = 3
        GaussianCloud outside = single(50, 0, 0, 0.1f, 1f); // far off-screen
        GaussianCloud closerThanNear = single(0, 0, 2.85f, 0.1f, 1f); // depth 0.15 < near 0.2
        for (GaussianCloud c : new GaussianCloud[] {new GaussianCloud(0, 2), behind, outside, closerThanNear}) {
            for (RenderResult r : both(c, null, cam)) {
                assertEquals(20, r.width());
                assertEquals(10, r.height());
                assertArrayEquals(new float[600], r.colour());
                assertArrayEquals(new float[200], r.alpha());
                assertArrayEquals(new float[200], r.expectedDepth());
                assertArrayEquals(new float[200], r.medianDepth());
            }
        }
        // just beyond the near plane it is drawn
        assertTrue(rasterizer.render(single(0, 0, 2.75f, 0.01f, 1f), null, cam, null).alpha()[5 * 20 + 10] > 0);
    }

    @Test
    void brokenSplatsAreSkipped() {
        float nan = Float.NaN;
        GaussianCloud c = new GaussianCloud(8, 1);
        for (int i = 0; i < 8; i++) {
            c.set(i, new float[] {0.1f * i - 0.4f, 0, 0}, new float[] {0.1f, 0.1f, 0.1f}, new float[] {1, 0, 0, 0},
                    0.8f);
            c.setColour(i, 0.2f, 0.9f, 0.4f);
        }
        c.positions()[0] = nan;
        c.positions()[3 * 1 + 2] = 10; // behind the camera
        c.opacities()[2] = nan;
        c.scales()[3 * 4 + 1] = nan;
        c.rotations()[4 * 5] = 0; // zero quaternion
        c.sh()[6 * 12 + 5] = nan;
        c.positions()[3 * 7 + 1] = Float.POSITIVE_INFINITY;
        GaussianCloud valid = c.subset(new int[] {3});
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 3, 0, 0, 30, 40, 30);
        RenderResult[] got = both(c, null, cam);
        RenderResult[] want = both(valid, null, cam);
        for (int m = 0; m < 2; m++) {
            assertArrayEquals(want[m].colour(), got[m].colour());
            assertArrayEquals(want[m].alpha(), got[m].alpha());
            assertArrayEquals(want[m].expectedDepth(), got[m].expectedDepth());
            assertArrayEquals(want[m].medianDepth(), got[m].medianDepth());
        }
        assertTrue(argMaxValue(got[0].alpha()) > 0.5f);
    }

    @Test
    void renderDoesNotModifyTheCloud() {
        GaussianCloud cloud = TestClouds.random(200, 2, 0.5f, 0.02f, 0.1f, 7);
        GaussianCloud before = cloud.copy();
        Transform t = new Transform(new Vector3f(1, 0, 0), new Quaternion().fromAngles(0.1f, 0.2f, 0.3f));
        PinholeCamera cam = PinholeCamera.orbit(new Vector3f(1, 0, 0), 2, 10, 10, 45, 32, 32);
        rasterizer.render(cloud, t, cam, null);
        rasterizer.renderReference(cloud, t, cam, null);
        assertEquals(before, cloud);
    }

    @Test
    void imageCompositesOverBackground() throws Exception {
        int size = 33;
        PinholeCamera cam = PinholeCamera.lookAt(new Vector3f(0, 0, 3), Vector3f.ZERO, Vector3f.UNIT_Y, 30, size, size);
        GaussianCloud c = single(0, 0, 0, 0.05f, 0.5f);
        c.setColour(0, 1f, 0.2f, 0f);
        RenderResult r = rasterizer.render(c, null, cam, null);
        ColorRGBA bg = new ColorRGBA(0.2f, 0.4f, 0.6f, 1f);
        BufferedImage img = r.toImage(bg);
        assertEquals(size, img.getWidth());
        assertEquals(size, img.getHeight());
        for (int p : new int[] {0, 16 * size + 16, 16 * size + 19}) {
            int x = p % size, y = p / size;
            int rgb = img.getRGB(x, y);
            float a = r.alpha()[p];
            float[] bgc = {bg.r, bg.g, bg.b};
            for (int ch = 0; ch < 3; ch++) {
                double v = r.colour()[3 * p + ch] + (1 - a) * bgc[ch];
                int expected = (int) Math.round(Math.min(1, v) * 255);
                int got = (rgb >> (16 - 8 * ch)) & 0xff;
                assertEquals(expected, got, 1, "pixel " + x + "," + y + " channel " + ch);
            }
        }
        // top-left is background, centre is mostly the splat: red high
        assertEquals(51, (img.getRGB(0, 0) >> 16) & 0xff);
        assertTrue(((img.getRGB(16, 16) >> 16) & 0xff) > 150);
        java.nio.file.Path png = io.github.gen3d.testing.TestData.out("render").resolve("composite_test.png");
        r.writePng(png, bg);
        BufferedImage back = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(img.getRGB(16, 16), back.getRGB(16, 16));
        BufferedImage depth = r.toDepthImage(false);
        assertEquals(0, depth.getRGB(0, 0) & 0xffffff);
        assertTrue((depth.getRGB(16, 16) & 0xff) > 250);
    }

    static void assertCovered(RenderResult r, double fraction) {
        int n = 0;
        for (float a : r.alpha()) {
            if (a > 0.1f) {
                n++;
            }
        }
        assertTrue(n > fraction * r.alpha().length, "only " + n + " of " + r.alpha().length + " pixels covered");
    }

    /** @return {mean, max} of |a − b| */
    static double[] diff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double sum = 0, max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            sum += d;
            max = Math.max(max, d);
        }
        return new double[] {sum / a.length, max};
    }

    private static int argMax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float argMaxValue(float[] a) {
        return a[argMax(a)];
    }
}
