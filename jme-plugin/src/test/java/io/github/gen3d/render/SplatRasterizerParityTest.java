package io.github.gen3d.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import io.github.gen3d.splat.GaussianCloud;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tiled parallel path against the plain reference path. */
class SplatRasterizerParityTest {
    private static final double TOL = 1e-5;
    private final SplatRasterizer rasterizer = new SplatRasterizer();

    private static Transform transform(long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        Quaternion q = new Quaternion().fromAngles(rnd.nextFloat() * 3, rnd.nextFloat() * 3, rnd.nextFloat() * 3);
        float s = 0.6f + rnd.nextFloat();
        return new Transform(new Vector3f(rnd.nextFloat() - 0.5f, rnd.nextFloat() - 0.5f, rnd.nextFloat() - 0.5f), q,
                new Vector3f(s, s, s));
    }

    private static void assertClose(RenderResult ref, RenderResult got, String what) {
        double[][] d = {SplatRasterizerTest.diff(ref.colour(), got.colour()),
            SplatRasterizerTest.diff(ref.alpha(), got.alpha()),
            SplatRasterizerTest.diff(ref.expectedDepth(), got.expectedDepth()),
            SplatRasterizerTest.diff(ref.medianDepth(), got.medianDepth())};
        String[] names = {"colour", "alpha", "expected depth", "median depth"};
        for (int k = 0; k < 4; k++) {
            assertTrue(d[k][1] <= TOL, what + ": max |" + names[k] + " diff| = " + d[k][1]);
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "2, 1", "3, 2", "4, 3", "5, 3", "6, 0"})
    void fastPathMatchesReference(long seed, int shDegree) {
        GaussianCloud cloud = TestClouds.random(2500, shDegree, 0.5f, 0.01f, 0.08f, seed);
        Transform t = transform(seed);
        // non-square, not a multiple of the tile size, slightly off-centre orbit
        PinholeCamera cam = PinholeCamera.orbit(t.getTranslation().add(0.05f, -0.03f, 0), 2.2f * t.getScale().x,
                37 * seed, 25 - 10 * seed, 50, 97, 83);
        RenderResult ref = rasterizer.renderReference(cloud, t, cam, null);
        SplatRasterizerTest.assertCovered(ref, 0.3);
        RenderOptions base = RenderOptions.defaults();
        RenderResult fast1 = rasterizer.render(cloud, t, cam, base.withThreads(1));
        assertClose(ref, fast1, "1 thread");
        RenderResult fast3 = rasterizer.render(cloud, t, cam, base.withThreads(3).withTileSize(7));
        assertClose(ref, fast3, "3 threads, 7 px tiles");
        // tiny memory bound: drawn in many depth-ordered batches
        RenderResult batched = rasterizer.render(cloud, t, cam, base.withThreads(2), 1);
        assertClose(ref, batched, "batched");
        // deterministic whatever the thread count or tiling
        assertArrayEquals(fast1.colour(), fast3.colour());
        assertArrayEquals(fast1.alpha(), fast3.alpha());
        assertArrayEquals(fast1.expectedDepth(), batched.expectedDepth());
        assertArrayEquals(fast1.medianDepth(), batched.medianDepth());
    }

    @ParameterizedTest
    @CsvSource({"11, 3", "12, 1"})
    void earlyStopMatchesReferenceWithEarlyStop(long seed, int shDegree) {
        // dense and opaque so that many pixels reach T < 1e-4
        GaussianCloud cloud = TestClouds.random(4000, shDegree, 0.3f, 0.03f, 0.1f, seed);
        for (int i = 0; i < cloud.size(); i++) {
            cloud.opacities()[i] = 0.5f + 0.5f * cloud.opacities()[i];
        }
        Transform t = transform(seed);
        PinholeCamera cam = PinholeCamera.orbit(t.getTranslation(), 2f * t.getScale().x, 20, 10, 45, 64, 48);
        RenderOptions es = RenderOptions.defaults().withEarlyStop(true).withThreads(2);
        RenderResult ref = rasterizer.renderReference(cloud, t, cam, es);
        RenderResult fast = rasterizer.render(cloud, t, cam, es);
        assertClose(ref, fast, "early stop");
        RenderResult full = rasterizer.render(cloud, t, cam, es.withEarlyStop(false));
        int stopped = 0;
        for (float a : full.alpha()) {
            if (1 - a < 1e-4f) {
                stopped++;
            }
        }
        assertTrue(stopped > 100, "test set-up: too few saturated pixels, " + stopped);
        // stopping early changes the result a little, never by more than the remaining transmittance allows
        double[] d = SplatRasterizerTest.diff(full.alpha(), fast.alpha());
        assertTrue(d[1] < 1e-3, "alpha diff " + d[1]);
    }
}
