package io.github.gen3d.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.Vector3f;
import io.github.gen3d.render.PinholeCamera;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TsdfFusionTest {
    static final double R = 0.5;

    /** Exact depth maps (depth along the view axis) of a sphere of radius R at the origin, by ray casting. */
    static List<DepthMap> sphereViews(int count, int size) {
        List<DepthMap> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float el = i % 3 == 0 ? 50 : i % 3 == 1 ? 0 : -50;
            PinholeCamera cam = PinholeCamera.orbit(new Vector3f(), 2f, 360f * i / count, el, 40f, size, size)
                    .withClipPlanes(0.5f, 4f);
            DepthMap probe = new DepthMap(cam, new float[size * size], null);
            float[] depth = new float[size * size], rgb = new float[3 * size * size];
            double[] r = probe.rot;
            for (int j = 0; j < size; j++) {
                for (int k = 0; k < size; k++) {
                    double dx = (k + 0.5 - probe.cx) / probe.fx, dy = (j + 0.5 - probe.cy) / probe.fy;
                    // world direction whose view-axis component is 1: R^T (dx, dy, 1)
                    double wx = r[0] * dx + r[3] * dy + r[6], wy = r[1] * dx + r[4] * dy + r[7];
                    double wz = r[2] * dx + r[5] * dy + r[8];
                    double a = wx * wx + wy * wy + wz * wz;
                    double b = 2 * (probe.px * wx + probe.py * wy + probe.pz * wz);
                    double c = probe.px * probe.px + probe.py * probe.py + probe.pz * probe.pz - R * R;
                    double disc = b * b - 4 * a * c;
                    int p = j * size + k;
                    if (disc < 0) {
                        depth[p] = Float.POSITIVE_INFINITY;
                    } else {
                        double t = (-b - Math.sqrt(disc)) / (2 * a);
                        depth[p] = (float) t;
                        rgb[3 * p] = (float) (0.5 + 0.5 * (probe.px + t * wx) / R);
                        rgb[3 * p + 1] = 0.25f;
                        rgb[3 * p + 2] = 0.75f;
                    }
                }
            }
            out.add(new DepthMap(cam, depth, rgb));
        }
        return out;
    }

    static TsdfVolume volume(int n) {
        return new TsdfVolume(new float[] {-0.7f, -0.7f, -0.7f}, 1.4f, n, 4f);
    }

    @Test
    void fastMatchesReference() {
        List<DepthMap> views = sphereViews(12, 96);
        TsdfVolume fast = volume(56), ref = volume(56);
        long updates = TsdfFusion.integrate(fast, views, 3);
        TsdfReference.integrate(ref, views);
        assertTrue(updates > 56L * 56 * 56, "updates " + updates);
        double maxDiff = 0;
        int observed = 0;
        for (int i = 0; i < fast.tsdf.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(fast.tsdf[i] - ref.tsdf[i]));
            assertEquals(ref.weight[i], fast.weight[i], "weight at " + i);
            observed += ref.weight[i] > 0 ? 1 : 0;
        }
        assertTrue(maxDiff <= 1e-5, "max tsdf difference " + maxDiff);
        assertTrue(observed > fast.tsdf.length / 2, "observed " + observed);
        for (int i = 0; i < fast.rgb.length; i++) {
            assertTrue(Math.abs((fast.rgb[i] & 0xFF) - (ref.rgb[i] & 0xFF)) <= 1, "colour at " + i);
        }
        // single-threaded fast path gives bit-identical results to the multi-threaded one
        TsdfVolume one = volume(56);
        TsdfFusion.integrate(one, views, 1);
        assertTrue(java.util.Arrays.equals(one.tsdf, fast.tsdf));
    }

    @Test
    void fusedSphereMeshesToTheSphere() {
        int n = 64;
        TsdfVolume vol = volume(n);
        TsdfFusion.integrate(vol, sphereViews(12, 128), 2);
        TriangleMesh m = vol.extractMesh();
        assertNull(MeshChecks.watertightProblem(m));
        float voxel = vol.voxelSize();
        float[] p = m.positions();
        double worst = 0;
        for (int i = 0; i < m.vertexCount(); i++) {
            double rr = Math.sqrt(p[3 * i] * p[3 * i] + p[3 * i + 1] * p[3 * i + 1] + p[3 * i + 2] * p[3 * i + 2]);
            worst = Math.max(worst, Math.abs(rr - R));
            // colour red channel was 0.5 + 0.5 x / R at the surface
            assertEquals(0.5 + 0.5 * p[3 * i] / R, m.colours()[4 * i], 0.08, "red at vertex " + i);
        }
        assertTrue(worst < 0.75 * voxel, "worst radial error " + worst + " vs voxel " + voxel);
        double vol3 = 4.0 / 3 * Math.PI * R * R * R;
        assertEquals(vol3, m.signedVolume(), 0.03 * vol3);
    }

    @Test
    void absurdResolutionIsRefusedBeforeAllocating() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TsdfVolume(new float[3], 1f, 5000, 5f));
        assertTrue(e.getMessage().contains("5000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TsdfVolume(new float[3], 1f, 2, 5f));
        assertThrows(IllegalArgumentException.class, () -> new TsdfVolume(new float[] {Float.NaN, 0, 0}, 1f, 8, 5f));
        assertThrows(IllegalArgumentException.class, () -> new TsdfVolume(new float[3], -1f, 8, 5f));
        assertEquals(400L * 400 * 400 * 12, TsdfVolume.bytesFor(400));
        // 400³ (768 MB) must be accepted under the tests' 3 GB heap, 1024³ (12.9 GB) refused by the heap check
        if (Runtime.getRuntime().maxMemory() >= 2L << 30) {
            TsdfVolume.checkBudget(400);
        }
        e = assertThrows(IllegalArgumentException.class, () -> TsdfVolume.checkBudget(1024));
        assertTrue(e.getMessage().contains("heap"), e.getMessage());
    }
}
