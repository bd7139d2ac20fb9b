package io.github.gen3d.splat;

import static io.github.gen3d.splat.GpuTestSupport.cloudOf;
import static io.github.gen3d.splat.GpuTestSupport.expected;
import static io.github.gen3d.splat.GpuTestSupport.maxError;
import static io.github.gen3d.splat.GpuTestSupport.psnr;
import static io.github.gen3d.splat.GpuTestSupport.rgb;
import static io.github.gen3d.splat.GpuTestSupport.sideBySide;
import static io.github.gen3d.splat.GpuTestSupport.toImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.material.Material;
import com.jme3.math.ColorRGBA;
import com.jme3.math.FastMath;
import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import com.jme3.renderer.Camera;
import com.jme3.scene.Geometry;
import com.jme3.scene.shape.Box;
import io.github.gen3d.splat.GpuTestSupport.Iso;
import io.github.gen3d.testing.HeadlessApp;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GL tests of the splat renderer's picture (run under xvfb-run; see HeadlessApp). */
class GpuSplatRenderTest {
    static final int W = 160;
    static final int H = 120;
    static final float FOV_Y = 60f;
    static final float NEAR = 0.2f;

    static void lookFrom(Camera cam, Vector3f eye, Vector3f target) {
        cam.setFrustumPerspective(FOV_Y, (float) cam.getWidth() / cam.getHeight(), NEAR, 100f);
        cam.setLocation(eye);
        cam.lookAt(target, Vector3f.UNIT_Y);
    }

    /**
     * One isotropic Gaussian seen head-on: every pixel of the frame must match the spec's formula evaluated here
     * in double precision (centre, footprint, colour, opacity), within 8-bit rounding.
     */
    @Test
    void singleGaussianMatchesFormulaPixelByPixel() {
        float s = 0.05f, opacity = 0.8f;
        float[] rgb = {0.9f, 0.4f, 0.1f};
        float px = 0.3f, py = 0.2f;
        GaussianCloud cloud = new GaussianCloud(1, 0);
        cloud.set(0, new float[] {px, py, 0}, new float[] {s, s, s}, new float[] {1, 0, 0, 0}, opacity);
        cloud.setColour(0, rgb[0], rgb[1], rgb[2]);
        BufferedImage img;
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0, 0, 5), Vector3f.ZERO);
                app.getRootNode().attachChild(new SplatNode(cloud, "one", app.getAssetManager()));
            });
            gl.renderFrames(3);
            img = gl.capture();
        }
        HeadlessApp.savePng(img, "single-gaussian");

        // expected, from docs/rendering.md: camera at z=5 looking down -z, so RDF c = (x, -y, 5 - z)
        double fy = H / (2 * Math.tan(Math.toRadians(FOV_Y) / 2)), fx = fy;
        double cx = px, cy = -py, cz = 5;
        double u = fx * cx / cz + W / 2.0, v = fy * cy / cz + H / 2.0;
        double tx = cx / cz, ty = cy / cz; // well inside the 1.3 tan(fov/2) clamp
        // J (2x3) times s² I times Jᵀ
        double[] j0 = {fx / cz, 0, -fx * tx / cz};
        double[] j1 = {0, fy / cz, -fy * ty / cz};
        double a = s * s * dot(j0, j0) + 0.3, b = s * s * dot(j0, j1), d = s * s * dot(j1, j1) + 0.3;
        double det = a * d - b * b;
        double ca = d / det, cb = -b / det, cc = a / det;
        double mid = (a + d) / 2, lambda = mid + Math.sqrt(Math.max(0.1, mid * mid - det));
        double r = Math.ceil(3 * Math.sqrt(lambda));
        int maxErr = 0, covered = 0;
        for (int j = 0; j < H; j++) {
            for (int i = 0; i < W; i++) {
                double dx = i + 0.5 - u, dy = j + 0.5 - v;
                double alpha = 0;
                if (Math.abs(dx) <= r && Math.abs(dy) <= r) {
                    double power = -0.5 * (ca * dx * dx + cc * dy * dy) - cb * dx * dy;
                    alpha = Math.min(0.99, opacity * Math.exp(power));
                    if (power > 0 || alpha < 1 / 255.0) {
                        alpha = 0;
                    }
                }
                if (alpha > 0) {
                    covered++;
                }
                int p = img.getRGB(i, j);
                int[] got = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
                for (int ch = 0; ch < 3; ch++) {
                    int want = (int) Math.round(alpha * rgb[ch] * 255);
                    maxErr = Math.max(maxErr, Math.abs(got[ch] - want));
                }
            }
        }
        assertTrue(covered > 20, "footprint too small to test: " + covered + " pixels");
        assertTrue(maxErr <= 2, "max channel error " + maxErr + "/255 against the formula");
        // and the brightest pixel is the one containing the projected centre
        int best = -1, bi = -1, bj = -1;
        for (int j = 0; j < H; j++) {
            for (int i = 0; i < W; i++) {
                int red = (img.getRGB(i, j) >> 16) & 0xFF;
                if (red > best) {
                    best = red;
                    bi = i;
                    bj = j;
                }
            }
        }
        assertEquals((int) Math.floor(u), bi, "column of the brightest pixel");
        assertEquals((int) Math.floor(v), bj, "row of the brightest pixel");
    }

    /**
     * The quad is the smaller of the spec's square and a rectangle around the alpha ≥ 1/255 ellipse: a cloud of
     * thin, rotated, faint and opaque splats gives exactly the same picture as with full squares.
     */
    @Test
    void tightQuadsDrawExactlyTheSquaresPixels() {
        GaussianCloud cloud = randomCloud(400, 1, 8L, 0.8f);
        Random rnd = new Random(8);
        for (int i = 0; i < cloud.size(); i++) {
            cloud.scales()[3 * i] *= 0.1f + 3 * rnd.nextFloat(); // strongly anisotropic
            cloud.opacities()[i] = i % 3 == 0 ? 0.01f + 0.05f * rnd.nextFloat() : cloud.opacities()[i];
        }
        BufferedImage[] img = new BufferedImage[2];
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            SplatNode[] node = new SplatNode[1];
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0.4f, 0.9f, 3.5f), Vector3f.ZERO);
                node[0] = new SplatNode(cloud, "quads", app.getAssetManager());
                app.getRootNode().attachChild(node[0]);
            });
            for (int k = 0; k < 2; k++) {
                boolean square = k == 1;
                gl.run(app -> node[0].splatGeometry().getMaterial().setBoolean("SquareQuads", square));
                gl.renderFrames(3);
                img[k] = gl.capture();
            }
        }
        HeadlessApp.savePng(sideBySide(3, img[0], img[1]), "quads-tight-square");
        assertEquals(0, maxDiff(img[0], img[1], 0, W), "tight and square quads differ");
        assertTrue(maxDiff(img[0], new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB), 0, W) > 100,
                "the picture is empty");
    }

    /**
     * Isotropic splats with random degree-3 SH seen obliquely: every pixel matches the formula with colours from
     * {@link SphericalHarmonics#colour} (the shader's SH code and texture packing against the Java basis).
     */
    @Test
    void shDegree3ColoursMatchJavaBasis() {
        Random rnd = new Random(3);
        int n = 40;
        GaussianCloud cloud = new GaussianCloud(n, 3);
        for (int i = 0; i < n; i++) {
            float s = 0.04f + 0.05f * rnd.nextFloat();
            cloud.set(i, new float[] {rnd.nextFloat() * 2 - 1, rnd.nextFloat() * 1.4f - 0.7f, rnd.nextFloat() - 0.5f},
                    new float[] {s, s, s}, new float[] {1, 0, 0, 0}, 0.3f + 0.6f * rnd.nextFloat());
            for (int j = 0; j < 48; j++) {
                cloud.sh()[i * 48 + j] = (float) (j < 3 ? rnd.nextGaussian() : 0.4 * rnd.nextGaussian());
            }
        }
        Camera[] cam = new Camera[1];
        BufferedImage img;
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(1.5f, 1.2f, 2.8f), new Vector3f(0, 0, 0));
                cam[0] = app.getCamera().clone();
                app.getRootNode().attachChild(new SplatNode(cloud, "sh3", app.getAssetManager()));
            });
            gl.renderFrames(3);
            img = gl.capture();
        }
        double[][][] want = expected(cloud, cam[0], NEAR);
        HeadlessApp.savePng(sideBySide(3, img, toImage(want)), "sh3-gpu-expected");
        assertTrue(maxError(img, want) <= 3, "max channel error " + maxError(img, want));
        // a degree-0 rendering of the same cloud differs: the SH terms matter in this view
        double[][][] dc = expected(cloud.withShDegree(0), cam[0], NEAR);
        assertTrue(maxError(img, dc) > 30, "SH terms had no visible effect");
    }

    /**
     * With gamma correction on (jME's default; the pipeline blends in linear space and encodes sRGB at the end) the
     * shader outputs linear colour: into this test's plain RGBA8 target that reads back as sRGB→linear of the
     * colour, times alpha.
     */
    @Test
    void gammaCorrectPipelinesGetLinearColour() {
        float s = 0.2f, opacity = 0.95f;
        float[] rgb = {0.8f, 0.5f, 0.2f};
        GaussianCloud cloud = new GaussianCloud(1, 0);
        cloud.set(0, new float[] {0, 0, 0}, new float[] {s, s, s}, new float[] {1, 0, 0, 0}, opacity);
        cloud.setColour(0, rgb[0], rgb[1], rgb[2]);
        int[][] centre = new int[2][];
        for (int gamma = 0; gamma < 2; gamma++) {
            boolean on = gamma == 1;
            try (HeadlessApp gl = HeadlessApp.start(W, H, HeadlessApp.DEFAULT_TIMEOUT_MS,
                    settings -> settings.setGammaCorrection(on))) {
                gl.run(app -> {
                    lookFrom(app.getCamera(), new Vector3f(0, 0, 5), Vector3f.ZERO);
                    app.getRootNode().attachChild(new SplatNode(cloud, "gamma", app.getAssetManager()));
                });
                gl.renderFrames(3);
                BufferedImage img = gl.capture();
                centre[gamma] = rgb(img, W / 2, H / 2);
            }
        }
        // the pixel centre (W/2 + 0.5, H/2 + 0.5) is half a pixel off the splat centre in x and y
        Iso white = new Iso(0, 0, 0, s, opacity, 1, 1, 1);
        Camera cam = new Camera(W, H);
        lookFrom(cam, new Vector3f(0, 0, 5), Vector3f.ZERO);
        double alpha = expected(List.of(white), cam, NEAR)[H / 2][W / 2][0];
        for (int c = 0; c < 3; c++) {
            double lin = rgb[c] <= 0.04045 ? rgb[c] / 12.92 : Math.pow((rgb[c] + 0.055) / 1.055, 2.4);
            assertEquals(Math.round(255 * alpha * rgb[c]), centre[0][c], 2, "gamma off, channel " + c);
            assertEquals(Math.round(255 * alpha * lin), centre[1][c], 2, "gamma on, channel " + c);
        }
    }

    /**
     * An opaque box hides a splat behind it (depth test on) and a splat in front of it composites over it (blend
     * over the box colour, depth write off so splats do not hide each other by depth).
     */
    @Test
    void opaqueBoxHidesSplatsBehindAndIsBlendedUnderSplatsInFront() {
        Iso behind = new Iso(-0.1, 0.05, -2, 0.25, 0.95, 0.1, 0.9, 0.1);  // green, hidden by the box
        Iso front = new Iso(0.35, -0.1, 1.0, 0.12, 0.9, 0.1, 0.2, 0.95);   // blue, over the box's edge
        Iso aside = new Iso(-1.6, 0.9, -2, 0.15, 0.9, 0.95, 0.9, 0.1);     // yellow, beside the box
        List<Iso> splats = List.of(behind, front, aside);
        BufferedImage withBox;
        BufferedImage without;
        Camera[] camOut = new Camera[1];
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0, 0, 5), Vector3f.ZERO);
                camOut[0] = app.getCamera().clone();
                app.getRootNode().attachChild(new SplatNode(cloudOf(splats), "occl", app.getAssetManager()));
            });
            gl.renderFrames(3);
            without = gl.capture();
            gl.run(app -> {
                Geometry box = new Geometry("box", new Box(0.5f, 0.5f, 0.5f));
                Material m = new Material(app.getAssetManager(), "Common/MatDefs/Misc/Unshaded.j3md");
                m.setColor("Color", ColorRGBA.Red);
                box.setMaterial(m);
                app.getRootNode().attachChild(box);
            });
            gl.renderFrames(3);
            withBox = gl.capture();
        }
        double[][][] want = expected(splats, camOut[0], NEAR);
        HeadlessApp.savePng(sideBySide(3, without, withBox, toImage(want)), "occlusion-nobox-box-expected");
        assertTrue(maxError(without, want) <= 3, "without the box: max error " + maxError(without, want));

        // centre pixel of the hidden splat: box red only (it is green without the box)
        int[] hb = pixelOf(behind, camOut[0]);
        int[] g0 = rgb(without, hb[0], hb[1]);
        assertTrue(g0[1] > 150, "the splat behind is visible without the box: " + Arrays.toString(g0));
        assertArrayEquals(new int[] {255, 0, 0}, rgb(withBox, hb[0], hb[1]), "box hides the splat behind it");
        // the splat beside the box is unchanged
        int[] ha = pixelOf(aside, camOut[0]);
        assertArrayEquals(rgb(without, ha[0], ha[1]), rgb(withBox, ha[0], ha[1]), "splat beside the box");
        // the splat in front: alpha·blue + (1 − alpha)·red, where the box is behind it
        int[] hf = pixelOf(front, camOut[0]);
        double a = frontAlpha(front, camOut[0], hf);
        int[] got = rgb(withBox, hf[0], hf[1]);
        int[] exp = {(int) Math.round(255 * (a * front.r() + (1 - a))), (int) Math.round(255 * a * front.g()),
            (int) Math.round(255 * a * front.b())};
        for (int c = 0; c < 3; c++) {
            assertEquals(exp[c], got[c], 3, "front splat over the box, channel " + c + ": " + Arrays.toString(got));
        }
    }

    /** Alpha of one isotropic splat at a pixel (alone in the expectation). */
    private static double frontAlpha(Iso s, Camera cam, int[] px) {
        Iso white = new Iso(s.x(), s.y(), s.z(), s.s(), s.opacity(), 1, 1, 1);
        return expected(List.of(white), cam, NEAR)[px[1]][px[0]][0];
    }

    /** The pixel containing a splat's projected centre. */
    private static int[] pixelOf(Iso s, Camera cam) {
        Vector3f sc = cam.getScreenCoordinates(new Vector3f((float) s.x(), (float) s.y(), (float) s.z()));
        // jME screen coordinates are bottom-up
        return new int[] {(int) Math.floor(sc.x), (int) Math.floor(cam.getHeight() - sc.y)};
    }

    /**
     * A node moved, rotated and uniformly scaled draws the same picture as the cloud with that transform applied
     * to its data (positions, rotations, scales and SH), and a different picture from the untransformed cloud.
     */
    @Test
    void nodeTransformEqualsTransformedCloud() {
        GaussianCloud cloud = randomCloud(300, 3, 11L, 0.6f);
        Transform t = new Transform(new Vector3f(0.3f, -0.2f, 0.4f),
                new Quaternion().fromAngleAxis(deg(40), new Vector3f(1, 2, 0.5f).normalizeLocal()),
                new Vector3f(1.3f, 1.3f, 1.3f));
        GaussianCloud moved = cloud.copy().transformInPlace(t);
        BufferedImage viaNode;
        BufferedImage viaData;
        BufferedImage plain;
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            SplatNode[] nodes = new SplatNode[3];
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0.5f, 0.8f, 4.5f), new Vector3f(0.2f, 0, 0));
                nodes[0] = new SplatNode(cloud, "node", app.getAssetManager());
                nodes[0].setLocalTransform(t);
                nodes[1] = new SplatNode(moved, "data", app.getAssetManager());
                nodes[2] = new SplatNode(cloud, "plain", app.getAssetManager());
            });
            BufferedImage[] out = new BufferedImage[3];
            for (int k = 0; k < 3; k++) {
                int kk = k;
                gl.run(app -> {
                    app.getRootNode().detachAllChildren();
                    app.getRootNode().attachChild(nodes[kk]);
                });
                gl.renderFrames(3);
                out[k] = gl.capture();
            }
            viaNode = out[0];
            viaData = out[1];
            plain = out[2];
        }
        HeadlessApp.savePng(sideBySide(3, viaNode, viaData, plain), "transform-node-data-plain");
        double same = psnr(viaNode, viaData);
        double differs = psnr(viaNode, plain);
        assertTrue(same >= 40, "node transform vs transformed data: PSNR " + same + " dB");
        assertTrue(differs < 25, "the transform must change the picture: PSNR " + differs + " dB");
    }

    /**
     * Two overlapping splats on the view axis, drawn from the front and then from behind: the one nearer the
     * camera must cover the other both times, so the order must have been re-sorted and swapped in after the
     * camera turned round.
     */
    @Test
    void overlappingSplatsComposeInOrderFromBothSides() {
        Iso red = new Iso(0, 0, 0.5, 0.3, 0.9, 0.95, 0.1, 0.1);
        Iso blue = new Iso(0.05, 0.02, -0.5, 0.3, 0.9, 0.1, 0.1, 0.95);
        List<Iso> splats = List.of(red, blue);
        Camera[] cams = new Camera[2];
        BufferedImage[] shots = new BufferedImage[2];
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            SplatNode[] node = new SplatNode[1];
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0, 0, 5), Vector3f.ZERO);
                cams[0] = app.getCamera().clone();
                node[0] = new SplatNode(cloudOf(splats), "pair", app.getAssetManager());
                app.getRootNode().attachChild(node[0]);
            });
            gl.renderFrames(3);
            shots[0] = gl.capture();
            long uploads = gl.call(app -> node[0].splatGeometry().uploads());
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0, 0, -5), Vector3f.ZERO);
                cams[1] = app.getCamera().clone();
            });
            gl.renderUntil(app -> node[0].splatGeometry().uploads() > uploads, "the re-sorted order");
            gl.renderFrames(2);
            shots[1] = gl.capture();
        }
        double[][][] front = expected(splats, cams[0], NEAR);
        double[][][] back = expected(splats, cams[1], NEAR);
        HeadlessApp.savePng(sideBySide(3, shots[0], toImage(front), shots[1], toImage(back)),
                "pair-front-expected-back-expected");
        assertTrue(maxError(shots[0], front) <= 3, "from the front: max error " + maxError(shots[0], front));
        assertTrue(maxError(shots[1], back) <= 3, "from behind: max error " + maxError(shots[1], back));
        int[] c0 = rgb(shots[0], W / 2, H / 2), c1 = rgb(shots[1], W / 2, H / 2);
        assertTrue(c0[0] > 3 * c0[2], "red in front from +z: " + Arrays.toString(c0));
        assertTrue(c1[2] > 3 * c1[0], "blue in front from -z: " + Arrays.toString(c1));
    }

    /**
     * Two nodes, one splat each: jME's transparent bucket draws the farther node first, from either side.
     */
    @Test
    void twoNodesAreOrderedByTheTransparentBucket() {
        Iso red = new Iso(0, 0, 0.5, 0.3, 0.9, 0.95, 0.1, 0.1);
        Iso blue = new Iso(0.05, 0.02, -0.5, 0.3, 0.9, 0.1, 0.1, 0.95);
        Camera[] cams = new Camera[2];
        BufferedImage[] shots = new BufferedImage[2];
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            for (int k = 0; k < 2; k++) {
                float z = k == 0 ? 5 : -5;
                int kk = k;
                gl.run(app -> {
                    if (kk == 0) {
                        app.getRootNode().attachChild(new SplatNode(cloudOf(List.of(red)), "r",
                                app.getAssetManager()));
                        app.getRootNode().attachChild(new SplatNode(cloudOf(List.of(blue)), "b",
                                app.getAssetManager()));
                    }
                    lookFrom(app.getCamera(), new Vector3f(0, 0, z), Vector3f.ZERO);
                    cams[kk] = app.getCamera().clone();
                });
                gl.renderFrames(3);
                shots[k] = gl.capture();
            }
        }
        HeadlessApp.savePng(sideBySide(3, shots[0], shots[1]), "two-nodes-front-back");
        for (int k = 0; k < 2; k++) {
            double[][][] want = expected(List.of(red, blue), cams[k], NEAR);
            assertTrue(maxError(shots[k], want) <= 3, "view " + k + ": max error " + maxError(shots[k], want));
        }
    }

    /**
     * A clone draws exactly what a fresh node at its place draws, with its own sorter and order buffer, and leaves
     * the original's picture unchanged.
     */
    @Test
    void cloneHasItsOwnSorterAndDrawsLikeAFreshNode() {
        GaussianCloud cloud = randomCloud(200, 1, 5L, 0.4f);
        BufferedImage single;
        BufferedImage both;
        BufferedImage fresh;
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            SplatNode[] nodes = new SplatNode[3];
            gl.run(app -> {
                lookFrom(app.getCamera(), new Vector3f(0, 0, 5), Vector3f.ZERO);
                nodes[0] = new SplatNode(cloud, "orig", app.getAssetManager());
                nodes[0].setLocalTranslation(-1.2f, 0, 0);
                app.getRootNode().attachChild(nodes[0]);
            });
            gl.renderFrames(3);
            single = gl.capture();
            gl.run(app -> {
                nodes[1] = (SplatNode) nodes[0].clone();
                nodes[1].setLocalTranslation(1.2f, 0, 0);
                app.getRootNode().attachChild(nodes[1]);
            });
            gl.renderFrames(3);
            both = gl.capture();
            gl.run(app -> {
                app.getRootNode().detachAllChildren();
                nodes[2] = new SplatNode(cloud, "fresh", app.getAssetManager());
                nodes[2].setLocalTranslation(1.2f, 0, 0);
                app.getRootNode().attachChild(nodes[2]);
            });
            gl.renderFrames(3);
            fresh = gl.capture();
            SplatGeometry g0 = nodes[0].splatGeometry(), g1 = nodes[1].splatGeometry();
            assertNotSame(g0, g1);
            assertNotSame(g0.sorter(), g1.sorter());
            assertNotSame(g0.orderBuffer(), g1.orderBuffer());
            assertSame(nodes[0].getCloud(), nodes[1].getCloud());
            assertSame(g0.getMaterial().getTextureParam("SplatGeometry").getTextureValue().getImage(),
                    g1.getMaterial().getTextureParam("SplatGeometry").getTextureValue().getImage(),
                    "clones share the data textures");
            assertTrue(g1.uploads() >= 1, "the clone sorted and uploaded its own order");
        }
        HeadlessApp.savePng(sideBySide(3, single, both, fresh), "clone-single-both-fresh");
        assertTrue(maxDiff(single, both, 0, W / 2) <= 1, "the original's half changed");
        assertTrue(maxDiff(fresh, both, W / 2, W) <= 1, "the clone differs from a fresh node");
        assertTrue(maxDiff(single, fresh, 0, W) > 50, "the two placements must differ");
    }

    private static int maxDiff(BufferedImage a, BufferedImage b, int x0, int x1) {
        int max = 0;
        for (int j = 0; j < a.getHeight(); j++) {
            for (int i = x0; i < x1; i++) {
                int[] p = rgb(a, i, j), q = rgb(b, i, j);
                for (int c = 0; c < 3; c++) {
                    max = Math.max(max, Math.abs(p[c] - q[c]));
                }
            }
        }
        return max;
    }

    /**
     * A random cloud: centres in a ball of the given radius, small anisotropic scales, random rotations and SH.
     */
    static GaussianCloud randomCloud(int n, int degree, long seed, float radius) {
        Random rnd = new Random(seed);
        GaussianCloud c = new GaussianCloud(n, degree);
        int k3 = c.shCoefficients() * 3;
        for (int i = 0; i < n; i++) {
            float x, y, z;
            do {
                x = rnd.nextFloat() * 2 - 1;
                y = rnd.nextFloat() * 2 - 1;
                z = rnd.nextFloat() * 2 - 1;
            } while (x * x + y * y + z * z > 1);
            float base = radius * (0.02f + 0.06f * rnd.nextFloat());
            c.set(i, new float[] {x * radius, y * radius, z * radius},
                    new float[] {base * (0.3f + rnd.nextFloat()), base * (0.3f + rnd.nextFloat()),
                        base * (0.3f + rnd.nextFloat())},
                    new float[] {(float) rnd.nextGaussian(), (float) rnd.nextGaussian(), (float) rnd.nextGaussian(),
                        (float) rnd.nextGaussian()},
                    0.2f + 0.79f * rnd.nextFloat());
            c.setColour(i, rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat());
            for (int j = 3; j < k3; j++) {
                c.sh()[i * k3 + j] = (float) (0.25 * rnd.nextGaussian());
            }
        }
        return c;
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    static float deg(float d) {
        return d * FastMath.DEG_TO_RAD;
    }
}
