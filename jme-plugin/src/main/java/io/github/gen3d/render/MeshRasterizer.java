package io.github.gen3d.render;

import com.jme3.math.Matrix4f;
import com.jme3.math.Vector3f;
import io.github.gen3d.mesh.TriangleMesh;
import java.util.Arrays;

/**
 * A plain CPU triangle rasteriser that renders a {@link TriangleMesh} through a {@link PinholeCamera}: the renderer of
 * the training datasets' views (the trainer module's procedural props and game art, see {@code docs/dataset.md},
 * "Renders") and of the command line's mesh previews. A {@link Surface} replaces the vertex colours with textures.
 *
 * <h2>Conventions</h2>
 * <ul>
 * <li>Camera: exactly {@link PinholeCamera}'s: RDF camera space ({@code c.z} is the distance along the view axis),
 * {@code u = fx·c.x/c.z + cx}, {@code v = fy·c.y/c.z + cy}, pixel {@code (i, j)} centred at
 * {@code (i + 0.5, j + 0.5)}, row 0 at the top. Output arrays are row-major from the top row.</li>
 * <li>Supersampling: the image is rasterised at {@code S·W × S·H} samples (sample centres at
 * {@code ((k + 0.5)/S, (l + 0.5)/S)} inside each pixel) with a z-buffer, then box-averaged: alpha is the covered
 * fraction; colour, depth and normal are means over the covered samples (the normal renormalised); everything is 0
 * where no sample is covered.</li>
 * <li>Interpolation: perspective-correct barycentric interpolation of the vertex colour and normal; depth is the
 * exact camera-space {@code z} of the triangle's plane at the sample. No back-face culling: for a triangle whose
 * geometric normal (counter-clockwise winding) faces away from the camera the shading normal is negated.</li>
 * <li>Near plane: a triangle with any vertex closer than {@link PinholeCamera#near()} is <b>skipped</b> (not
 * clipped); props are always well in front of the rig cameras.</li>
 * <li>Lighting, in world space, per sample, on the mesh's linear vertex colour (its alpha is ignored: props are
 * opaque): {@code light = ambient + diffuse}, {@code ambient = 0.30 + 0.15·(0.5·n.y + 0.5)},
 * {@code diffuse = 0.70·max(0, n·L)}, {@code L = normalize(0.4, 0.8, 0.45)}; lit colour
 * {@code min(1, colour·light)}. Samples are averaged in linear light, then encoded with the standard piecewise sRGB
 * curve. Colour is straight (not premultiplied by alpha).</li>
 * </ul>
 *
 * <p>Stateless and thread-safe; each call allocates its own buffers.
 */
public final class MeshRasterizer {
    /** Default supersampling factor per axis (2 → 2×2 samples per pixel). */
    public static final int DEFAULT_SUPERSAMPLE = 2;
    /** Largest supported supersampling factor per axis. */
    public static final int MAX_SUPERSAMPLE = 8;
    /** Constant part of the ambient term. */
    public static final float AMBIENT = 0.30f;
    /** Hemisphere part of the ambient term: {@code AMBIENT + SKY·(0.5·n.y + 0.5)}. */
    public static final float SKY = 0.15f;
    /** Weight of the Lambert term. */
    public static final float DIFFUSE = 0.70f;

    private static final double[] LIGHT = unitLight();

    private MeshRasterizer() {
    }

    /**
     * One rendered view. Arrays are row-major from the top row; records compare their arrays by reference.
     *
     * @param width image width in pixels
     * @param height image height in pixels
     * @param rgb straight sRGB colour in [0, 1], 3 per pixel ({@code null} for {@link #renderDepth})
     * @param alpha coverage in [0, 1], 1 per pixel (not null)
     * @param depth mean camera-space z of the covered samples, 0 where alpha is 0 (not null)
     * @param normal unit world-space shading normal, 3 per pixel, 0 where alpha is 0 ({@code null} for
     *        {@link #renderDepth})
     */
    public record View(int width, int height, float[] rgb, float[] alpha, float[] depth, float[] normal) {
    }

    /** @return the world-space light direction {@code normalize(0.4, 0.8, 0.45)} (a new vector) */
    public static Vector3f lightDirection() {
        return new Vector3f((float) LIGHT[0], (float) LIGHT[1], (float) LIGHT[2]);
    }

    /**
     * Renders colour, alpha, depth and normal.
     *
     * @param mesh the mesh in world space (not null, unaffected)
     * @param camera the camera (not null)
     * @param supersample samples per pixel along each axis, in 1..{@value #MAX_SUPERSAMPLE}
     * @return a new view (not null)
     * @throws IllegalArgumentException on null arguments or a bad supersampling factor
     */
    public static View render(TriangleMesh mesh, PinholeCamera camera, int supersample) {
        return new Raster(mesh, camera, supersample, null).resolve(true);
    }

    /**
     * A surface that replaces the mesh's vertex colours, for textured meshes: it is asked, per covered sample, whether
     * the sample is kept (alpha testing; a discarded sample does not write the z-buffer) and for its linear colour. The
     * barycentric weights it gets are perspective-correct ({@code w0 + w1 + w2 = 1}).
     */
    public interface Surface {
        /**
         * @param triangle the triangle index
         * @param w0 weight of the triangle's first vertex
         * @param w1 weight of the second
         * @param w2 weight of the third
         * @return true to keep the sample, false to discard it
         */
        boolean covers(int triangle, double w0, double w1, double w2);

        /**
         * Writes the linear colour (before lighting) of a sample.
         *
         * @param triangle the triangle index
         * @param w0 weight of the triangle's first vertex
         * @param w1 weight of the second
         * @param w2 weight of the third
         * @param pixelArea the triangle's projected area in output pixels (for texture level-of-detail)
         * @param out receives linear r, g, b in [0, 1] (not null, length ≥ 3)
         */
        void colour(int triangle, double w0, double w1, double w2, double pixelArea, double[] out);
    }

    /**
     * Renders colour, alpha, depth and normal of a mesh whose colours come from a {@link Surface} (textures) instead
     * of its vertex colours; everything else as {@link #render(TriangleMesh, PinholeCamera, int)}.
     *
     * @param mesh the mesh in world space (not null, unaffected; its colours are ignored)
     * @param camera the camera (not null)
     * @param supersample samples per pixel along each axis, in 1..{@value #MAX_SUPERSAMPLE}
     * @param surface the surface (not null; called from this thread only)
     * @return a new view (not null)
     * @throws IllegalArgumentException on null arguments or a bad supersampling factor
     */
    public static View render(TriangleMesh mesh, PinholeCamera camera, int supersample, Surface surface) {
        if (surface == null) {
            throw new IllegalArgumentException("surface must not be null");
        }
        return new Raster(mesh, camera, supersample, surface).resolve(true);
    }

    /**
     * Renders only alpha and depth (for visibility tests); cheaper than {@link #render}.
     *
     * @param mesh the mesh in world space (not null, unaffected)
     * @param camera the camera (not null)
     * @param supersample samples per pixel along each axis, in 1..{@value #MAX_SUPERSAMPLE}
     * @return a new view whose {@code rgb} and {@code normal} are null
     * @throws IllegalArgumentException on null arguments or a bad supersampling factor
     */
    public static View renderDepth(TriangleMesh mesh, PinholeCamera camera, int supersample) {
        return new Raster(mesh, camera, supersample, null).resolve(false);
    }

    /**
     * The lighting formula on one linear colour channel.
     *
     * @param linear the linear colour channel in [0, 1]
     * @param nx world normal x (unit)
     * @param ny world normal y
     * @param nz world normal z
     * @return {@code min(1, linear·(ambient + diffuse))}, linear
     */
    public static float shade(float linear, float nx, float ny, float nz) {
        return (float) Math.min(1.0, linear * light(nx, ny, nz));
    }

    /**
     * The standard sRGB transfer function (IEC 61966-2-1).
     *
     * @param linear linear value (clamped to [0, 1])
     * @return the encoded value in [0, 1]
     */
    public static float linearToSrgb(double linear) {
        double c = Math.max(0.0, Math.min(1.0, linear));
        return (float) (c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055);
    }

    private static double light(double nx, double ny, double nz) {
        double ambient = AMBIENT + SKY * (0.5 * ny + 0.5);
        double diffuse = DIFFUSE * Math.max(0.0, nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]);
        return ambient + diffuse;
    }

    private static double[] unitLight() {
        double x = 0.4, y = 0.8, z = 0.45;
        double n = Math.sqrt(x * x + y * y + z * z);
        return new double[] {x / n, y / n, z / n};
    }

    /** The z-buffered, supersampled visibility pass: per sample the nearest triangle and its barycentrics. */
    private static final class Raster {
        private final TriangleMesh mesh;
        private final int w;
        private final int h;
        private final int s;
        private final int sw;
        private final int sh;
        private final float[] zbuf;
        private final int[] tri;
        /** Perspective-correct barycentric weights of vertices 1 and 2 per sample. */
        private final float[] b1;
        private final float[] b2;
        /** Per triangle: true if its geometric normal faces away from the camera. */
        private final boolean[] back;
        /** Per triangle: projected area in output pixels (only with a surface). */
        private final double[] pixelArea;
        private final Surface surface;

        Raster(TriangleMesh mesh, PinholeCamera cam, int supersample, Surface surface) {
            if (mesh == null || cam == null) {
                throw new IllegalArgumentException("mesh and camera must not be null");
            }
            if (supersample < 1 || supersample > MAX_SUPERSAMPLE) {
                throw new IllegalArgumentException("supersample must be in 1.." + MAX_SUPERSAMPLE + ", got "
                        + supersample);
            }
            this.mesh = mesh;
            this.w = cam.width();
            this.h = cam.height();
            this.s = supersample;
            this.sw = w * s;
            this.sh = h * s;
            this.zbuf = new float[sw * sh];
            Arrays.fill(zbuf, Float.POSITIVE_INFINITY);
            this.tri = new int[sw * sh];
            Arrays.fill(tri, -1);
            this.b1 = new float[sw * sh];
            this.b2 = new float[sw * sh];
            this.back = new boolean[mesh.triangleCount()];
            this.surface = surface;
            this.pixelArea = surface == null ? null : new double[mesh.triangleCount()];
            rasterise(cam);
        }

        private void rasterise(PinholeCamera cam) {
            float[] pos = mesh.positions();
            int nv = mesh.vertexCount();
            // world → RDF rotation: rows of jME's view matrix are right, up, back; RDF is (right, −up, −back)
            Matrix4f view = cam.viewMatrix();
            double[] r = new double[9];
            for (int j = 0; j < 3; j++) {
                r[j] = view.get(0, j);
                r[3 + j] = -view.get(1, j);
                r[6 + j] = -view.get(2, j);
            }
            Vector3f loc = cam.location();
            double px = loc.x, py = loc.y, pz = loc.z;
            double fx = (double) cam.fx() * s, fy = (double) cam.fy() * s;
            double cx = (double) cam.cx() * s, cy = (double) cam.cy() * s;
            double near = cam.near();
            double[] su = new double[nv];
            double[] sv = new double[nv];
            double[] sz = new double[nv];
            for (int i = 0; i < nv; i++) {
                double dx = pos[3 * i] - px, dy = pos[3 * i + 1] - py, dz = pos[3 * i + 2] - pz;
                double x = r[0] * dx + r[1] * dy + r[2] * dz;
                double y = r[3] * dx + r[4] * dy + r[5] * dz;
                double z = r[6] * dx + r[7] * dy + r[8] * dz;
                sz[i] = z;
                su[i] = fx * x / z + cx;
                sv[i] = fy * y / z + cy;
            }
            int[] idx = mesh.indices();
            for (int t = 0; t < back.length; t++) {
                int i0 = idx[3 * t], i1 = idx[3 * t + 1], i2 = idx[3 * t + 2];
                double z0 = sz[i0], z1 = sz[i1], z2 = sz[i2];
                if (!(z0 >= near && z1 >= near && z2 >= near)) {
                    continue; // crosses or lies behind the near plane: skipped (documented)
                }
                back[t] = facesAway(pos, i0, i1, i2, px, py, pz);
                double x0 = su[i0], y0 = sv[i0], x1 = su[i1], y1 = sv[i1], x2 = su[i2], y2 = sv[i2];
                double area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
                if (!(Math.abs(area) > 1e-12)) {
                    continue; // edge-on or degenerate: covers no area
                }
                int minX = Math.max(0, (int) Math.floor(Math.min(x0, Math.min(x1, x2)) - 0.5));
                int maxX = Math.min(sw - 1, (int) Math.ceil(Math.max(x0, Math.max(x1, x2)) - 0.5));
                int minY = Math.max(0, (int) Math.floor(Math.min(y0, Math.min(y1, y2)) - 0.5));
                int maxY = Math.min(sh - 1, (int) Math.ceil(Math.max(y0, Math.max(y1, y2)) - 0.5));
                if (minX > maxX || minY > maxY) {
                    continue;
                }
                if (pixelArea != null) {
                    pixelArea[t] = 0.5 * Math.abs(area) / ((double) s * s);
                }
                double inv = 1.0 / area;
                // screen-space barycentrics are affine in the sample position: w = a·x + b·y + c
                double a0 = (y1 - y2) * inv, bb0 = (x2 - x1) * inv, c0 = (x1 * y2 - x2 * y1) * inv;
                double a1 = (y2 - y0) * inv, bb1 = (x0 - x2) * inv, c1 = (x2 * y0 - x0 * y2) * inv;
                double iz0 = 1 / z0, iz1 = 1 / z1, iz2 = 1 / z2;
                final double eps = -1e-9;
                for (int y = minY; y <= maxY; y++) {
                    double fy0 = y + 0.5;
                    int row = y * sw;
                    for (int x = minX; x <= maxX; x++) {
                        double fx0 = x + 0.5;
                        double w0 = a0 * fx0 + bb0 * fy0 + c0;
                        double w1 = a1 * fx0 + bb1 * fy0 + c1;
                        double w2 = 1 - w0 - w1;
                        if (w0 < eps || w1 < eps || w2 < eps) {
                            continue;
                        }
                        double q0 = w0 * iz0, q1 = w1 * iz1, q2 = w2 * iz2;
                        double sum = q0 + q1 + q2;
                        double z = 1 / sum;
                        int k = row + x;
                        if (z < zbuf[k] && (surface == null
                                || surface.covers(t, q0 / sum, q1 / sum, q2 / sum))) {
                            zbuf[k] = (float) z;
                            tri[k] = t;
                            b1[k] = (float) (q1 / sum);
                            b2[k] = (float) (q2 / sum);
                        }
                    }
                }
            }
        }

        private static boolean facesAway(float[] pos, int i0, int i1, int i2, double px, double py, double pz) {
            double ax = pos[3 * i0], ay = pos[3 * i0 + 1], az = pos[3 * i0 + 2];
            double ex = pos[3 * i1] - ax, ey = pos[3 * i1 + 1] - ay, ez = pos[3 * i1 + 2] - az;
            double fx = pos[3 * i2] - ax, fy = pos[3 * i2 + 1] - ay, fz = pos[3 * i2 + 2] - az;
            double gx = ey * fz - ez * fy, gy = ez * fx - ex * fz, gz = ex * fy - ey * fx;
            return gx * (px - ax) + gy * (py - ay) + gz * (pz - az) < 0;
        }

        View resolve(boolean shaded) {
            int n = w * h;
            float[] alpha = new float[n];
            float[] depth = new float[n];
            float[] rgb = shaded ? new float[3 * n] : null;
            float[] normal = shaded ? new float[3 * n] : null;
            float[] nrm = mesh.normals();
            float[] col = mesh.colours();
            int[] idx = mesh.indices();
            double perPixel = (double) s * s;
            double[] sc = new double[3];
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    int covered = 0;
                    double zs = 0, rs = 0, gs = 0, bs = 0, nxs = 0, nys = 0, nzs = 0;
                    for (int l = 0; l < s; l++) {
                        int row = (j * s + l) * sw + i * s;
                        for (int k = 0; k < s; k++) {
                            int q = row + k;
                            int t = tri[q];
                            if (t < 0) {
                                continue;
                            }
                            covered++;
                            zs += zbuf[q];
                            if (!shaded) {
                                continue;
                            }
                            double w1 = b1[q], w2 = b2[q], w0 = 1 - w1 - w2;
                            int i0 = idx[3 * t], i1 = idx[3 * t + 1], i2 = idx[3 * t + 2];
                            double nx = w0 * nrm[3 * i0] + w1 * nrm[3 * i1] + w2 * nrm[3 * i2];
                            double ny = w0 * nrm[3 * i0 + 1] + w1 * nrm[3 * i1 + 1] + w2 * nrm[3 * i2 + 1];
                            double nz = w0 * nrm[3 * i0 + 2] + w1 * nrm[3 * i1 + 2] + w2 * nrm[3 * i2 + 2];
                            double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
                            if (len > 0) {
                                double sign = back[t] ? -1 / len : 1 / len;
                                nx *= sign;
                                ny *= sign;
                                nz *= sign;
                            }
                            double lit = light(nx, ny, nz);
                            if (surface != null) {
                                surface.colour(t, w0, w1, w2, pixelArea[t], sc);
                            } else {
                                for (int c = 0; c < 3; c++) {
                                    sc[c] = w0 * col[4 * i0 + c] + w1 * col[4 * i1 + c] + w2 * col[4 * i2 + c];
                                }
                            }
                            rs += Math.min(1.0, lit * sc[0]);
                            gs += Math.min(1.0, lit * sc[1]);
                            bs += Math.min(1.0, lit * sc[2]);
                            nxs += nx;
                            nys += ny;
                            nzs += nz;
                        }
                    }
                    if (covered == 0) {
                        continue;
                    }
                    int p = j * w + i;
                    alpha[p] = (float) (covered / perPixel);
                    depth[p] = (float) (zs / covered);
                    if (shaded) {
                        rgb[3 * p] = linearToSrgb(rs / covered);
                        rgb[3 * p + 1] = linearToSrgb(gs / covered);
                        rgb[3 * p + 2] = linearToSrgb(bs / covered);
                        double len = Math.sqrt(nxs * nxs + nys * nys + nzs * nzs);
                        if (len > 0) {
                            normal[3 * p] = (float) (nxs / len);
                            normal[3 * p + 1] = (float) (nys / len);
                            normal[3 * p + 2] = (float) (nzs / len);
                        }
                    }
                }
            }
            return new View(w, h, rgb, alpha, depth, normal);
        }
    }
}
