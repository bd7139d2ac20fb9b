package io.github.gen3d.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.RenderResult;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SphericalHarmonics;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fixture that ties the PyTorch training renderer ({@code trainer/python/g3d/splat_render.py}) to the CPU
 * reference rasterizer: a seeded cloud, two cameras and the rasterizer's images, stored as .npy files in
 * {@code trainer/python/fixtures/raster/}; {@code trainer/python/test_splat_render.py} renders the same cloud with
 * PyTorch and compares. This test renders again and requires the stored images to be what the rasterizer makes
 * now, so the fixture cannot drift from the Java code. Regenerate after a deliberate change of the rendering
 * math with {@code -Dgen3d.writeRasterFixture=true}.
 */
class RasterizerFixtureTest {
    static final Path DIR = Paths.get("python/fixtures/raster");
    static final int N = 300;
    static final int RES = 48;

    @Test
    void storedImagesAreWhatTheRasterizerRenders() throws IOException {
        GaussianCloud cloud = cloud();
        PinholeCamera[] cams = {PinholeCamera.orbit(Vector3f.ZERO, 1.5f, 30, 15, 49.1f, RES, RES),
            PinholeCamera.orbit(Vector3f.ZERO, 1.5f, 200, -10, 49.1f, RES, RES)};
        float[] rows = new float[cams.length * 16];
        float[] images = new float[cams.length * RES * RES * 3];
        float[] alphas = new float[cams.length * RES * RES];
        SplatRasterizer r = new SplatRasterizer();
        for (int c = 0; c < cams.length; c++) {
            System.arraycopy(RenderedProp.cameraRow(cams[c]), 0, rows, 16 * c, 16);
            RenderResult res = r.render(cloud, Transform.IDENTITY, cams[c], RenderOptions.defaults().withThreads(1));
            float[] col = res.colour();
            float[] a = res.alpha();
            for (int p = 0; p < RES * RES; p++) {
                for (int k = 0; k < 3; k++) {
                    images[(c * RES * RES + p) * 3 + k] = col[3 * p + k] + (1 - a[p]); // on white
                }
                alphas[c * RES * RES + p] = a[p];
            }
        }
        float[] splats = rowsOf(cloud);
        boolean write = Boolean.getBoolean("gen3d.writeRasterFixture");
        check(write, "splats.npy", splats, new long[] {N, 14});
        check(write, "cams.npy", rows, new long[] {cams.length, 16});
        check(write, "images.npy", images, new long[] {cams.length, RES, RES, 3});
        check(write, "alpha.npy", alphas, new long[] {cams.length, RES, RES});
        float covered = 0;
        for (float a : alphas) {
            covered += a > 0.5f ? 1 : 0;
        }
        assertTrue(covered > 0.05f * alphas.length, "the cloud covers part of the views: " + covered);
    }

    private static void check(boolean write, String name, float[] values, long[] shape) throws IOException {
        Path file = DIR.resolve(name);
        if (write) {
            Files.createDirectories(DIR);
            try (NpyFile f = new NpyFile(file, "<f4", shape)) {
                f.write(values);
                f.commit();
            }
            return;
        }
        assertTrue(Files.isRegularFile(file), file.toAbsolutePath() + " is missing; run with"
                + " -Dgen3d.writeRasterFixture=true");
        NpyReader.Array a = NpyReader.read(file);
        assertArrayEquals(shape, a.shape(), name);
        float[] stored = new float[values.length];
        a.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(stored);
        float worst = 0;
        for (int i = 0; i < values.length; i++) {
            worst = Math.max(worst, Math.abs(stored[i] - values[i]));
        }
        assertEquals(0f, worst, 1e-6f, name + ": the stored fixture differs from what the Java code makes now");
    }

    /** 300 small splats in [-0.4, 0.4]^3 with random shapes, opacities and colours (seed 11). */
    static GaussianCloud cloud() {
        Random rnd = new Random(11);
        GaussianCloud c = new GaussianCloud(N, 0);
        for (int i = 0; i < N; i++) {
            float[] pos = {0.8f * rnd.nextFloat() - 0.4f, 0.8f * rnd.nextFloat() - 0.4f, 0.8f * rnd.nextFloat() - 0.4f};
            float[] scale = {0.005f + 0.03f * rnd.nextFloat(), 0.005f + 0.03f * rnd.nextFloat(),
                0.005f + 0.03f * rnd.nextFloat()};
            float[] q = {(float) rnd.nextGaussian(), (float) rnd.nextGaussian(), (float) rnd.nextGaussian(),
                (float) rnd.nextGaussian()};
            c.set(i, pos, scale, q, 0.2f + 0.75f * rnd.nextFloat());
            c.setColour(i, rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat());
        }
        return c;
    }

    /** The bundle's row layout: x y z, opacity, scale xyz, quaternion wxyz, rgb (what the cloud stores). */
    private static float[] rowsOf(GaussianCloud c) {
        float[] out = new float[N * 14];
        for (int i = 0; i < N; i++) {
            System.arraycopy(c.positions(), 3 * i, out, 14 * i, 3);
            out[14 * i + 3] = c.opacities()[i];
            System.arraycopy(c.scales(), 3 * i, out, 14 * i + 4, 3);
            System.arraycopy(c.rotations(), 4 * i, out, 14 * i + 7, 4);
            for (int k = 0; k < 3; k++) { // the DC term back to RGB, as the rasterizer evaluates it
                out[14 * i + 11 + k] = 0.5f + SphericalHarmonics.C0 * c.sh()[3 * i + k];
            }
        }
        return out;
    }
}
