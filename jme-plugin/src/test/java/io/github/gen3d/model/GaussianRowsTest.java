package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.splat.GaussianCloud;
import org.junit.jupiter.api.Test;

/** The export contract's [count, 14] rows → GaussianCloud, checked by hand on a few rows. */
class GaussianRowsTest {
    private static final double C0 = 0.28209479177387814;

    private static float[] rows(float[]... rows) {
        float[] out = new float[rows.length * 14];
        for (int i = 0; i < rows.length; i++) {
            assertEquals(14, rows[i].length);
            System.arraycopy(rows[i], 0, out, i * 14, 14);
        }
        return out;
    }

    @Test
    void channelsMapByTheTable() {
        //                  x     y     z     op    sx    sy    sz    qw  qx  qy  qz  r     g   b
        float[] a = {0.1f, -0.2f, 0.3f, 0.75f, 0.01f, 0.02f, 0.03f, 2, 0, 0, 0, 0.5f, 1, 0};
        float[] b = {-1, 1, 0.5f, 0.25f, 0.1f, 0.1f, 0.2f, 1, 1, 1, 1, 0.25f, 0.75f, 0.5f};
        float[] c = {0, 0, 0, 1, 0.05f, 0.06f, 0.07f, 0, 3, 0, 4, 0, 0, 1};
        GaussianCloud g = BundleReconstructor.toCloud(rows(a, b, c), 3, "test");
        assertEquals(3, g.size());
        assertEquals(0, g.shDegree());
        // positions and linear scales and opacities pass through
        float[] pos = {0.1f, -0.2f, 0.3f, -1, 1, 0.5f, 0, 0, 0};
        float[] scale = {0.01f, 0.02f, 0.03f, 0.1f, 0.1f, 0.2f, 0.05f, 0.06f, 0.07f};
        for (int i = 0; i < 9; i++) {
            assertEquals(pos[i], g.positions()[i], 0f);
            assertEquals(scale[i], g.scales()[i], 0f);
        }
        assertEquals(0.75f, g.opacities()[0], 0f);
        assertEquals(0.25f, g.opacities()[1], 0f);
        assertEquals(1f, g.opacities()[2], 0f);
        // quaternions w,x,y,z normalised: (2,0,0,0) -> identity, (1,1,1,1) -> 0.5 each, (0,3,0,4) -> (0,.6,0,.8)
        float[] q = {1, 0, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f, 0, 0.6f, 0, 0.8f};
        for (int i = 0; i < 12; i++) {
            assertEquals(q[i], g.rotations()[i], 1e-7);
        }
        // rgb -> SH DC (rgb - 0.5) / C0
        double[] dc = {0, 0.5 / C0, -0.5 / C0, -0.25 / C0, 0.25 / C0, 0, -0.5 / C0, -0.5 / C0, 0.5 / C0};
        for (int i = 0; i < 9; i++) {
            assertEquals(dc[i], g.sh()[i], 1e-6);
        }
        // and the base colour the renderers use comes back: 0.5 + C0 * dc
        assertEquals(1.0, 0.5 + C0 * g.sh()[1], 1e-6);
    }

    @Test
    void brokenRowsAreDroppedOrRepaired() {
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        float[] good = {0.5f, 0.5f, 0.5f, 0.5f, 0.1f, 0.1f, 0.1f, 1, 0, 0, 0, 0.5f, 0.5f, 0.5f};
        float[] nanPosition = good.clone();
        nanPosition[1] = nan;
        float[] infScale = good.clone();
        infScale[5] = inf;
        float[] zeroRotation = good.clone();
        zeroRotation[7] = 0;
        float[] nanOpacity = good.clone();
        nanOpacity[3] = nan;
        float[] repairable = {1, 2, 3, 1.5f, -0.2f, 0.1f, 0.1f, 0, 0, 1, 0, nan, 0.5f, 0.5f};
        GaussianCloud g = BundleReconstructor.toCloud(rows(nanPosition, good, infScale, zeroRotation, repairable,
                nanOpacity), 6, "test");
        // kept: good (row 1) and repairable (row 4), in order
        assertEquals(2, g.size());
        assertEquals(0.5f, g.positions()[0], 0f);
        assertEquals(1f, g.positions()[3], 0f);
        assertEquals(3f, g.positions()[5], 0f);
        assertEquals(1f, g.opacities()[1], 0f); // 1.5 clamped
        assertEquals(0.2f, g.scales()[3], 0f); // |-0.2|
        assertEquals(1f, g.rotations()[6], 0f); // (0,0,1,0) stays unit
        assertEquals(0f, g.sh()[3], 0f); // NaN red -> 0 (grey)
        assertTrue(g.validate().isClean());
    }

    @Test
    void emptyOutputIsAnEmptyCloudAndWrongLengthsAreRefused() {
        assertEquals(0, BundleReconstructor.toCloud(new float[0], 0, "test").size());
        assertThrows(IllegalArgumentException.class, () -> BundleReconstructor.toCloud(new float[13], 1, "test"));
    }
}
