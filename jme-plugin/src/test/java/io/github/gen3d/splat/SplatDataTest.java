package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.bounding.BoundingBox;
import com.jme3.math.Matrix3f;
import com.jme3.math.Quaternion;
import com.jme3.math.Vector3f;
import com.jme3.texture.Image;
import com.jme3.texture.Texture2D;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Packing of the data textures the shader reads, checked texel by texel against the cloud. */
class SplatDataTest {

    /** Covariance against jME's own quaternion → matrix and matrix products: R diag(s²) Rᵀ. */
    @Test
    void covarianceMatchesJmeMatrices() {
        GaussianCloud c = GpuSplatRenderTest.randomCloud(200, 0, 21L, 1f);
        double[] cov = new double[6];
        for (int i = 0; i < c.size(); i++) {
            float[] q = c.rotations();
            Matrix3f r = new Quaternion(q[4 * i + 1], q[4 * i + 2], q[4 * i + 3], q[4 * i]).toRotationMatrix();
            float[] s = c.scales();
            Matrix3f s2 = new Matrix3f(s[3 * i] * s[3 * i], 0, 0, 0, s[3 * i + 1] * s[3 * i + 1], 0, 0, 0,
                    s[3 * i + 2] * s[3 * i + 2]);
            Matrix3f sigma = r.mult(s2).mult(r.transpose());
            SplatData.covariance(c, i, cov);
            float scale = s2.get(0, 0) + s2.get(1, 1) + s2.get(2, 2);
            float[] want = {sigma.get(0, 0), sigma.get(0, 1), sigma.get(0, 2), sigma.get(1, 1), sigma.get(1, 2),
                sigma.get(2, 2)};
            for (int k = 0; k < 6; k++) {
                assertEquals(want[k], cov[k], 1e-5 * scale, "splat " + i + " element " + k);
            }
        }
    }

    @Test
    void geometryTextureLayout() {
        int n = 3000; // 9000 texels: three rows of 4096
        GaussianCloud c = GpuSplatRenderTest.randomCloud(n, 0, 3L, 1f);
        Texture2D tex = SplatData.geometryTexture(c);
        Image img = tex.getImage();
        assertSame(Image.Format.RGBA32F, img.getFormat());
        assertEquals(SplatData.TEX_WIDTH, img.getWidth());
        assertEquals(3, img.getHeight());
        ByteBuffer data = img.getData(0);
        double[] cov = new double[6];
        for (int i = 0; i < n; i += 7) {
            float[] t = new float[12];
            for (int k = 0; k < 3; k++) {
                readTexel(data, i * 3 + k, t, 4 * k);
            }
            assertEquals(c.positions()[3 * i], t[0]);
            assertEquals(c.positions()[3 * i + 1], t[1]);
            assertEquals(c.positions()[3 * i + 2], t[2]);
            assertEquals(c.opacities()[i], t[3]);
            SplatData.covariance(c, i, cov);
            for (int k = 0; k < 6; k++) {
                assertEquals((float) cov[k], t[4 + k], "splat " + i + " covariance " + k);
            }
            assertEquals(0f, t[10]);
            assertEquals(0f, t[11]);
        }
    }

    @Test
    void shTextureLayoutForEveryDegree() {
        int[] stride = {1, 3, 7, 12};
        for (int deg = 0; deg <= 3; deg++) {
            assertEquals(stride[deg], SplatData.shTexels(deg));
            int n = 1500;
            GaussianCloud c = GpuSplatRenderTest.randomCloud(n, deg, 17L + deg, 1f);
            Image img = SplatData.shTexture(c).getImage();
            assertEquals(SplatData.rows(n, stride[deg]), img.getHeight());
            ByteBuffer data = img.getData(0);
            int k3 = c.shCoefficients() * 3;
            for (int i = 0; i < n; i += 13) {
                float[] t = new float[4 * stride[deg]];
                for (int k = 0; k < stride[deg]; k++) {
                    readTexel(data, i * stride[deg] + k, t, 4 * k);
                }
                for (int f = 0; f < t.length; f++) {
                    float want = f < k3 ? c.sh()[i * k3 + f] : 0f;
                    assertEquals(want, t[f], "degree " + deg + " splat " + i + " float " + f);
                }
            }
        }
    }

    /**
     * Several clouds packed one after another (a SplatGroup): each splat's texels equal those of its own cloud's
     * single texture, except the member index in texel 2's z; SH at a common degree is cut or zero padded.
     */
    @Test
    void concatenatedTexturesForGroups() {
        GaussianCloud a = GpuSplatRenderTest.randomCloud(1500, 0, 31L, 1f);
        GaussianCloud b = GpuSplatRenderTest.randomCloud(7, 3, 32L, 1f);
        GaussianCloud c = GpuSplatRenderTest.randomCloud(2200, 2, 33L, 1f);
        List<GaussianCloud> clouds = List.of(a, new GaussianCloud(0, 1), b, c);
        assertEquals(3707, SplatData.totalSplats(clouds));
        ByteBuffer geo = SplatData.geometryTexture(clouds).getImage().getData(0);
        int[] member = {0, 2, 3};
        GaussianCloud[] own = {a, b, c};
        int start = 0;
        for (int m = 0; m < own.length; m++) {
            ByteBuffer single = SplatData.geometryTexture(own[m]).getImage().getData(0);
            for (int i = 0; i < own[m].size(); i++) {
                float[] want = new float[12];
                float[] got = new float[12];
                for (int k = 0; k < 3; k++) {
                    readTexel(single, i * 3 + k, want, 4 * k);
                    readTexel(geo, (start + i) * 3 + k, got, 4 * k);
                }
                want[10] = member[m];
                assertArrayEquals(want, got, "cloud " + m + " splat " + i);
            }
            start += own[m].size();
        }
        for (int degree = 0; degree <= 3; degree++) {
            int stride = SplatData.shTexels(degree);
            ByteBuffer sh = SplatData.shTexture(clouds, degree).getImage().getData(0);
            int kept = 3 * (degree + 1) * (degree + 1);
            start = 0;
            for (GaussianCloud cl : own) {
                int k3 = cl.shCoefficients() * 3;
                for (int i = 0; i < cl.size(); i += 3) {
                    float[] t = new float[4 * stride];
                    for (int k = 0; k < stride; k++) {
                        readTexel(sh, (start + i) * stride + k, t, 4 * k);
                    }
                    for (int f = 0; f < t.length; f++) {
                        float want = f < Math.min(k3, kept) ? cl.sh()[i * k3 + f] : 0f;
                        assertEquals(want, t[f], "degree " + degree + " splat " + (start + i) + " float " + f);
                    }
                }
                start += cl.size();
            }
        }
    }

    @Test
    void paddedBoundsHoldEverySplatTightly() {
        GaussianCloud c = GpuSplatRenderTest.randomCloud(500, 0, 5L, 2f);
        c.positions()[0] = Float.NaN; // skipped
        BoundingBox b = SplatData.paddedBounds(c);
        Vector3f min = b.getMin(null), max = b.getMax(null);
        float[] lo = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        float[] hi = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 1; i < c.size(); i++) {
            float r = 3 * Math.max(c.scales()[3 * i], Math.max(c.scales()[3 * i + 1], c.scales()[3 * i + 2]));
            for (int a = 0; a < 3; a++) {
                lo[a] = Math.min(lo[a], c.positions()[3 * i + a] - r);
                hi[a] = Math.max(hi[a], c.positions()[3 * i + a] + r);
            }
        }
        assertEquals(lo[0], min.x, 1e-5);
        assertEquals(lo[1], min.y, 1e-5);
        assertEquals(lo[2], min.z, 1e-5);
        assertEquals(hi[0], max.x, 1e-5);
        assertEquals(hi[1], max.y, 1e-5);
        assertEquals(hi[2], max.z, 1e-5);
        BoundingBox empty = SplatData.paddedBounds(new GaussianCloud(0, 0));
        assertEquals(0f, empty.getXExtent());
    }

    @Test
    void nodeRejectsTooManySplatsAndBadShDegree() {
        GaussianCloud c = new GaussianCloud(3, 1);
        SplatNode node = new SplatNode(c, "x");
        assertThrows(IllegalArgumentException.class, () -> node.setShDegree(4));
        node.setShDegree(0);
        assertEquals(0, node.getShDegree());
        node.setShDegree(3);
        assertEquals(1, node.getShDegree(), "capped by the cloud's degree");
        assertTrue(!node.hasMaterial());
        assertEquals(SplatData.MAX_SPLATS, 1 << 24);
    }

    @Test
    void clonesAreIndependentWithoutGl() {
        GaussianCloud c = GpuSplatRenderTest.randomCloud(10, 0, 1L, 1f);
        SplatNode a = new SplatNode(c, "a");
        SplatNode b = (SplatNode) a.clone();
        assertSame(c, b.getCloud());
        assertTrue(a.splatGeometry() != b.splatGeometry());
        assertSame(b, b.splatGeometry().getParent());
        assertTrue(a.splatGeometry().sorter() != b.splatGeometry().sorter());
        assertTrue(a.splatGeometry().getMesh() != b.splatGeometry().getMesh());
        assertEquals(10, b.splatGeometry().getMesh().getInstanceCount());
        // the world bound is the padded cloud bound, also after jME recomputes model bounds
        b.updateModelBound();
        b.updateGeometricState();
        BoundingBox wb = (BoundingBox) b.getWorldBound();
        BoundingBox want = SplatData.paddedBounds(c);
        assertEquals(want.getCenter(), wb.getCenter());
        assertEquals(want.getXExtent(), wb.getXExtent(), 1e-6);
    }

    private static void readTexel(ByteBuffer data, int texel, float[] out, int off) {
        int x = texel % SplatData.TEX_WIDTH, y = texel / SplatData.TEX_WIDTH;
        int base = (y * SplatData.TEX_WIDTH + x) * 16;
        for (int k = 0; k < 4; k++) {
            out[off + k] = data.getFloat(base + 4 * k);
        }
    }
}
