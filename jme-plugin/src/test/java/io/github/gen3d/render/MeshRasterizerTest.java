package io.github.gen3d.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.Matrix4f;
import com.jme3.math.Vector3f;
import io.github.gen3d.mesh.TriangleMesh;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshRasterizerTest {
    private static final float[] WHITE = {1, 1, 1, 1};
    /** fovY with tan(fovY/2) = 1/2, so that fy = H exactly (up to float rounding). */
    private static final float FOV = (float) Math.toDegrees(2 * Math.atan(0.5));

    private static TriangleMesh unitBox(float[] rgba) {
        return box(rgba, false);
    }

    /**
     * The unit box centred at the origin: 6 faces of 4 vertices with the face normal, counter-clockwise seen from
     * outside; every vertex {@code rgba}, or with {@code varied} a different colour per vertex.
     */
    private static TriangleMesh box(float[] rgba, boolean varied) {
        float[][] n = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        float[] pos = new float[72];
        float[] nrm = new float[72];
        float[] col = new float[96];
        int[] idx = new int[36];
        for (int f = 0; f < 6; f++) {
            float[] a = n[f];
            float[] u = a[1] != 0 ? new float[] {1, 0, 0} : new float[] {-a[2], 0, a[0]};
            float[] w = {a[1] * u[2] - a[2] * u[1], a[2] * u[0] - a[0] * u[2], a[0] * u[1] - a[1] * u[0]};
            float[][] c = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
            for (int k = 0; k < 4; k++) {
                int v = 4 * f + k;
                for (int j = 0; j < 3; j++) {
                    pos[3 * v + j] = 0.5f * (a[j] + c[k][0] * u[j] + c[k][1] * w[j]);
                    nrm[3 * v + j] = a[j];
                }
                for (int j = 0; j < 4; j++) {
                    col[4 * v + j] = varied && j < 3 ? ((v * 7 + j * 5) % 11) / 10f : rgba[j];
                }
            }
            System.arraycopy(new int[] {4 * f, 4 * f + 1, 4 * f + 2, 4 * f, 4 * f + 2, 4 * f + 3}, 0, idx, 6 * f, 6);
        }
        return new TriangleMesh(pos, nrm, col, idx);
    }

    /** The meshes' triangles in order, as one mesh. */
    private static TriangleMesh concat(List<TriangleMesh> parts) {
        int nv = 0, ni = 0;
        for (TriangleMesh m : parts) {
            nv += m.vertexCount();
            ni += m.indices().length;
        }
        float[] pos = new float[3 * nv], nrm = new float[3 * nv], col = new float[4 * nv];
        int[] idx = new int[ni];
        int vo = 0, io = 0;
        for (TriangleMesh m : parts) {
            System.arraycopy(m.positions(), 0, pos, 3 * vo, m.positions().length);
            System.arraycopy(m.normals(), 0, nrm, 3 * vo, m.normals().length);
            System.arraycopy(m.colours(), 0, col, 4 * vo, m.colours().length);
            for (int i = 0; i < m.indices().length; i++) {
                idx[io + i] = vo + m.indices()[i];
            }
            vo += m.vertexCount();
            io += m.indices().length;
        }
        return new TriangleMesh(pos, nrm, col, idx);
    }

    /** A square in the plane z = z0, side 2·half, wound counter-clockwise seen from +Z (or clockwise if flipped). */
    private static TriangleMesh square(float half, float z0, float[] rgba, boolean flipped) {
        float[] pos = {-half, -half, z0, half, -half, z0, half, half, z0, -half, half, z0};
        float nz = flipped ? -1 : 1;
        float[] nrm = {0, 0, nz, 0, 0, nz, 0, 0, nz, 0, 0, nz};
        float[] col = new float[16];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(rgba, 0, col, 4 * i, 4);
        }
        int[] idx = flipped ? new int[] {0, 2, 1, 0, 3, 2} : new int[] {0, 1, 2, 0, 2, 3};
        return new TriangleMesh(pos, nrm, col, idx);
    }

    private static float expectedSrgb(float linear, float nx, float ny, float nz) {
        double l = Math.sqrt(0.4 * 0.4 + 0.8 * 0.8 + 0.45 * 0.45);
        double light = 0.30 + 0.15 * (0.5 * ny + 0.5) + 0.70 * Math.max(0, (0.4 * nx + 0.8 * ny + 0.45 * nz) / l);
        double c = Math.min(1, linear * light);
        return (float) (c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055);
    }

    @Test
    void unitBoxHeadOnGivesAnalyticSilhouetteDepthNormalAndColour() {
        // camera at (0, 0, 2.5) looking at −Z: the front face z = 0.5 is at depth 2 and projects to [8, 24)²
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 2.5f, 0, 0, FOV, 32, 32);
        assertEquals(32, cam.fy(), 1e-4);
        MeshRasterizer.View v = MeshRasterizer.render(unitBox(WHITE), cam, 2);
        float colour = expectedSrgb(1, 0, 0, 1);
        for (int j = 0; j < 32; j++) {
            for (int i = 0; i < 32; i++) {
                int p = j * 32 + i;
                boolean inside = i >= 8 && i < 24 && j >= 8 && j < 24;
                assertEquals(inside ? 1f : 0f, v.alpha()[p], "alpha at " + i + "," + j);
                assertEquals(inside ? 2f : 0f, v.depth()[p], 1e-5, "depth at " + i + "," + j);
                float[] n = inside ? new float[] {0, 0, 1} : new float[3];
                float[] c = inside ? new float[] {colour, colour, colour} : new float[3];
                for (int k = 0; k < 3; k++) {
                    assertEquals(n[k], v.normal()[3 * p + k], 1e-6, "normal at " + i + "," + j);
                    assertEquals(c[k], v.rgb()[3 * p + k], 1e-5, "colour at " + i + "," + j);
                }
            }
        }
        assertTrue(colour > 0.8f && colour < 1f, "lit white " + colour);
    }

    @Test
    void surfaceGivingTheVertexColoursRendersIdenticallyAndDiscardedSamplesLeaveNoCoverage() {
        // the textured path (a Surface) against the plain vertex-colour path: a surface that interpolates the vertex
        // colours must give the same bytes; one that discards every sample must give an empty view
        TriangleMesh mesh = box(WHITE, true);
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 1.5f, 30, 20, FOV, 24, 24);
        float[] col = mesh.colours();
        int[] idx = mesh.indices();
        MeshRasterizer.View plain = MeshRasterizer.render(mesh, cam, 2);
        MeshRasterizer.View surfaced = MeshRasterizer.render(mesh, cam, 2, new MeshRasterizer.Surface() {
            @Override
            public boolean covers(int t, double w0, double w1, double w2) {
                return true;
            }

            @Override
            public void colour(int t, double w0, double w1, double w2, double area, double[] out) {
                assertTrue(area > 0);
                for (int c = 0; c < 3; c++) {
                    out[c] = w0 * col[4 * idx[3 * t] + c] + w1 * col[4 * idx[3 * t + 1] + c]
                            + w2 * col[4 * idx[3 * t + 2] + c];
                }
            }
        });
        assertArrayEquals(plain.rgb(), surfaced.rgb());
        assertArrayEquals(plain.alpha(), surfaced.alpha());
        assertArrayEquals(plain.depth(), surfaced.depth());
        assertArrayEquals(plain.normal(), surfaced.normal());
        MeshRasterizer.View none = MeshRasterizer.render(mesh, cam, 2, new MeshRasterizer.Surface() {
            @Override
            public boolean covers(int t, double w0, double w1, double w2) {
                return false;
            }

            @Override
            public void colour(int t, double w0, double w1, double w2, double area, double[] out) {
                throw new AssertionError("no sample is kept");
            }
        });
        for (float a : none.alpha()) {
            assertEquals(0f, a);
        }
        assertThrows(IllegalArgumentException.class, () -> MeshRasterizer.render(mesh, cam, 2, null));
    }

    @Test
    void edgesThroughPixelCentresGiveFractionalCoverage() {
        // half side 0.46875 at depth 2 projects to 7.5 pixels: edges at 8.5 and 23.5, through pixel centres
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 2f, 0, 0, FOV, 32, 32);
        MeshRasterizer.View v = MeshRasterizer.render(square(0.46875f, 0, WHITE, false), cam, 2);
        for (int j = 0; j < 32; j++) {
            for (int i = 0; i < 32; i++) {
                float fx = i < 8 || i > 23 ? 0 : i == 8 || i == 23 ? 0.5f : 1;
                float fy = j < 8 || j > 23 ? 0 : j == 8 || j == 23 ? 0.5f : 1;
                assertEquals(fx * fy, v.alpha()[j * 32 + i], 1e-6, "alpha at " + i + "," + j);
                if (fx * fy > 0) {
                    // colour and depth are means over covered samples only: not darkened at the edge
                    assertEquals(2f, v.depth()[j * 32 + i], 1e-5);
                    assertEquals(expectedSrgb(1, 0, 0, 1), v.rgb()[3 * (j * 32 + i)], 1e-5);
                }
            }
        }
    }

    @Test
    void depthAgreesWithPinholeProjectionOfSurfacePoints() {
        float[] pos = {-0.4f, -0.3f, 0.2f, 0.5f, -0.2f, -0.3f, 0.1f, 0.45f, 0.1f};
        float[] nrm = new float[9];
        float[] col = {0.2f, 0.4f, 0.6f, 1, 0.2f, 0.4f, 0.6f, 1, 0.2f, 0.4f, 0.6f, 1};
        Vector3f a = new Vector3f(pos[0], pos[1], pos[2]);
        Vector3f g = new Vector3f(pos[3], pos[4], pos[5]).subtract(a)
                .cross(new Vector3f(pos[6], pos[7], pos[8]).subtract(a)).normalizeLocal();
        for (int i = 0; i < 3; i++) {
            nrm[3 * i] = g.x;
            nrm[3 * i + 1] = g.y;
            nrm[3 * i + 2] = g.z;
        }
        TriangleMesh tri = new TriangleMesh(pos, nrm, col, new int[] {0, 1, 2});
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 1.5f, 30, 20, 49.1f, 48, 40);
        MeshRasterizer.View v = MeshRasterizer.render(tri, cam, 1);
        Matrix4f view = cam.viewMatrix();
        Vector3f p = cam.location();
        int covered = 0;
        for (int j = 0; j < 40; j++) {
            for (int i = 0; i < 48; i++) {
                float d = v.depth()[j * 48 + i];
                if (v.alpha()[j * 48 + i] == 0) {
                    assertEquals(0f, d);
                    continue;
                }
                covered++;
                // unproject the pixel centre at the rendered depth: c = d·((u − cx)/fx, (v − cy)/fy, 1)
                double cx = (i + 0.5 - cam.cx()) / cam.fx() * d, cy = (j + 0.5 - cam.cy()) / cam.fy() * d;
                Vector3f w = new Vector3f(p);
                for (int k = 0; k < 3; k++) {
                    // world = p + Rᵀ c, R rows = (right, −up, −back) = view rows 0, −1, −2
                    float add = (float) (view.get(0, k) * cx - view.get(1, k) * cy - view.get(2, k) * d);
                    w.set(k, w.get(k) + add);
                }
                assertEquals(0, w.subtract(a).dot(g), 1e-4, "point off the triangle's plane at " + i + "," + j);
                Vector3f uvz = cam.project(w, null);
                assertEquals(i + 0.5f, uvz.x, 1e-3);
                assertEquals(j + 0.5f, uvz.y, 1e-3);
                assertEquals(d, uvz.z, 1e-5);
            }
        }
        assertTrue(covered > 100, "covered " + covered);
        // the centroid projects into a covered pixel whose depth is the centroid's to within the half-pixel offset
        Vector3f centroid = new Vector3f((pos[0] + pos[3] + pos[6]) / 3, (pos[1] + pos[4] + pos[7]) / 3,
                (pos[2] + pos[5] + pos[8]) / 3);
        Vector3f uvz = cam.project(centroid, null);
        int q = (int) uvz.y * 48 + (int) uvz.x;
        assertEquals(1f, v.alpha()[q]);
        assertEquals(uvz.z, v.depth()[q], 0.02);
    }

    @Test
    void farTriangleBehindNearOneIsHidden() {
        float[] red = {1, 0, 0, 1};
        float[] green = {0, 1, 0, 1};
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 2f, 0, 0, FOV, 16, 16);
        TriangleMesh near = square(0.3f, 0.2f, red, false);
        TriangleMesh far = square(0.3f, -0.2f, green, false);
        for (TriangleMesh m : new TriangleMesh[] {concat(List.of(near, far)),
            concat(List.of(far, near))}) {
            MeshRasterizer.View v = MeshRasterizer.render(m, cam, 2);
            MeshRasterizer.View d = MeshRasterizer.renderDepth(m, cam, 2);
            int p = 8 * 16 + 8;
            assertEquals(1f, v.alpha()[p]);
            assertEquals(1.8f, v.depth()[p], 1e-5);
            assertEquals(expectedSrgb(1, 0, 0, 1), v.rgb()[3 * p], 1e-5);
            assertEquals(0f, v.rgb()[3 * p + 1]);
            assertArrayEquals(v.alpha(), d.alpha());
            assertArrayEquals(v.depth(), d.depth());
            assertNull(d.rgb());
            assertNull(d.normal());
        }
    }

    @Test
    void backFacingTriangleIsDrawnWithNormalTowardsTheCamera() {
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 2f, 0, 0, FOV, 16, 16);
        MeshRasterizer.View front = MeshRasterizer.render(square(0.3f, 0, WHITE, false), cam, 2);
        MeshRasterizer.View back = MeshRasterizer.render(square(0.3f, 0, WHITE, true), cam, 2);
        assertArrayEquals(front.alpha(), back.alpha());
        assertArrayEquals(front.depth(), back.depth());
        assertArrayEquals(front.rgb(), back.rgb(), 1e-6f);
        assertArrayEquals(front.normal(), back.normal(), 1e-6f);
        assertEquals(1f, back.normal()[3 * (8 * 16 + 8) + 2]);
    }

    @Test
    void emptyMeshGivesAllZeros() {
        TriangleMesh empty = new TriangleMesh(new float[0], new float[0], new float[0], new int[0]);
        MeshRasterizer.View v = MeshRasterizer.render(empty, PinholeCamera.orbit(Vector3f.ZERO, 2f, 0, 0, FOV, 8, 6), 3);
        assertEquals(8, v.width());
        assertEquals(6, v.height());
        assertArrayEquals(new float[48], v.alpha());
        assertArrayEquals(new float[48], v.depth());
        assertArrayEquals(new float[144], v.rgb());
        assertArrayEquals(new float[144], v.normal());
    }

    @Test
    void trianglesCrossingTheNearPlaneAreSkipped() {
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 2f, 0, 0, FOV, 16, 16).withClipPlanes(0.5f, 10f);
        // spans depths 1.5 … 3 (kept) and 0.2 … 3 (crosses the near plane 0.5: skipped)
        float[] pos = {-0.3f, -0.3f, 0.5f, 0.3f, -0.3f, 0.5f, 0f, 0.3f, -1f};
        float[] nrm = {0, 0, 1, 0, 0, 1, 0, 0, 1};
        float[] col = new float[12];
        TriangleMesh kept = new TriangleMesh(pos, nrm, col, new int[] {0, 1, 2});
        float[] pos2 = pos.clone();
        pos2[2] = 1.8f;
        TriangleMesh skipped = new TriangleMesh(pos2, nrm, col, new int[] {0, 1, 2});
        float sumKept = 0, sumSkipped = 0;
        for (int p = 0; p < 256; p++) {
            sumKept += MeshRasterizer.renderDepth(kept, cam, 1).alpha()[p];
            sumSkipped += MeshRasterizer.renderDepth(skipped, cam, 1).alpha()[p];
        }
        assertTrue(sumKept > 5, "kept " + sumKept);
        assertEquals(0, sumSkipped);
    }

    @Test
    void rejectsBadArguments() {
        PinholeCamera cam = PinholeCamera.orbit(Vector3f.ZERO, 2f, 0, 0, FOV, 8, 8);
        TriangleMesh box = unitBox(WHITE);
        assertThrows(IllegalArgumentException.class, () -> MeshRasterizer.render(null, cam, 2));
        assertThrows(IllegalArgumentException.class, () -> MeshRasterizer.render(box, null, 2));
        assertThrows(IllegalArgumentException.class, () -> MeshRasterizer.render(box, cam, 0));
        assertThrows(IllegalArgumentException.class, () -> MeshRasterizer.renderDepth(box, cam, 9));
    }

    @Test
    void srgbCurveAndShadeMatchTheirDefinitions() {
        assertEquals(0f, MeshRasterizer.linearToSrgb(0));
        assertEquals(1f, MeshRasterizer.linearToSrgb(1), 1e-6);
        assertEquals(12.92f * 0.002f, MeshRasterizer.linearToSrgb(0.002), 1e-7);
        assertEquals(0.7353569f, MeshRasterizer.linearToSrgb(0.5), 1e-6);
        Vector3f l = MeshRasterizer.lightDirection();
        assertEquals(1f, l.length(), 1e-6);
        // facing the light: ambient 0.30 + 0.15·(0.5·l.y + 0.5) + 0.70
        assertEquals(Math.min(1, 0.5 * (0.30 + 0.15 * (0.5 * l.y + 0.5) + 0.70)),
                MeshRasterizer.shade(0.5f, l.x, l.y, l.z), 1e-6);
        assertEquals(1f, MeshRasterizer.shade(1f, l.x, l.y, l.z));
        // facing away: ambient only
        assertEquals(0.5 * (0.30 + 0.15 * (0.5 * -l.y + 0.5)), MeshRasterizer.shade(0.5f, -l.x, -l.y, -l.z), 1e-6);
    }
}
