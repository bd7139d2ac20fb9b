package io.github.gen3d.render;

import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SphericalHarmonics;

/**
 * The single implementation of the per-splat maths of {@code docs/rendering.md} (steps 1–7: projection, EWA
 * covariance with the Jacobian clamp and low-pass, conic, radius, SH colour, depth) for one cloud, world transform and
 * camera. Both rasterizer paths use it. Only reads the cloud.
 */
final class SplatProjector {
    private final GaussianCloud cloud;
    private final int width;
    private final int height;
    private final double fx;
    private final double fy;
    private final double cx;
    private final double cy;
    private final double near;
    private final double limX;
    private final double limY;
    /** cloud frame → RDF camera, including the world rotation and uniform scale. */
    private final double[] m;
    /** RDF camera position of the cloud origin. */
    private final double[] c0;
    /** Camera position in the cloud frame (for SH view directions). */
    private final double[] camInCloud;

    SplatProjector(GaussianCloud cloud, Transforms.WorldTransform world, PinholeCamera cam) {
        this.cloud = cloud;
        width = cam.width();
        height = cam.height();
        fx = cam.fx();
        fy = cam.fy();
        cx = cam.cx();
        cy = cam.cy();
        near = cam.near();
        limX = ProjectedSplats.JACOBIAN_CLAMP * cam.tanHalfFovX();
        limY = ProjectedSplats.JACOBIAN_CLAMP * cam.tanHalfFovY();
        double[] v3 = cam.rdfRotation();
        double[] rw = world.rotation();
        double sw = world.scale();
        double[] vr = Transforms.mul(v3, rw);
        m = new double[9];
        for (int k = 0; k < 9; k++) {
            m[k] = vr[k] * sw;
        }
        double[] t = world.translation();
        double[] cam0 = new double[3];
        cam.toRdf(t[0], t[1], t[2], cam0);
        c0 = cam0;
        // camera in the cloud frame: Rwᵀ (camPos − t) / sw
        double[] p = cam.position();
        double dx = p[0] - t[0], dy = p[1] - t[1], dz = p[2] - t[2];
        camInCloud = new double[] {(rw[0] * dx + rw[3] * dy + rw[6] * dz) / sw,
            (rw[1] * dx + rw[4] * dy + rw[7] * dz) / sw, (rw[2] * dx + rw[5] * dy + rw[8] * dz) / sw};
    }

    /**
     * Projects splats {@code from .. to-1} into the same entries of {@code out}; writes only those entries, so
     * disjoint ranges may run in parallel.
     *
     * @param from first splat
     * @param to one past the last splat
     * @param out receives the results (its count must be the cloud's size; modified)
     */
    void project(int from, int to, ProjectedSplats out) {
        float[] data = out.data;
        int[] rect = out.rect;
        final int stride = ProjectedSplats.STRIDE;
        float[] pos = cloud.positions();
        float[] scl = cloud.scales();
        float[] rot = cloud.rotations();
        float[] opa = cloud.opacities();
        double[] basis = new double[16];
        float[] col = new float[3];
        double[] rs = new double[9];
        double[] a = new double[9];
        for (int i = from; i < to; i++) {
            rect[4 * i] = 0;
            rect[4 * i + 1] = -1;
            rect[4 * i + 2] = 0;
            rect[4 * i + 3] = -1;
            double px = pos[3 * i], py = pos[3 * i + 1], pz = pos[3 * i + 2];
            // 1. centre in RDF camera space; cull behind the near plane (NaN fails the test too)
            double tz = m[6] * px + m[7] * py + m[8] * pz + c0[2];
            if (!(tz >= near) || tz == Double.POSITIVE_INFINITY) {
                continue;
            }
            double tx = m[0] * px + m[1] * py + m[2] * pz + c0[0];
            double ty = m[3] * px + m[4] * py + m[5] * pz + c0[1];
            float op = opa[i];
            // alpha ≤ min(0.99, o) everywhere: a splat that can never reach 1/255 is skipped (NaN too)
            if (!(Math.min(ProjectedSplats.ALPHA_MAX, op) >= ProjectedSplats.ALPHA_MIN)) {
                continue;
            }
            // 2. Σ = (s_w R S)(s_w R S)ᵀ; A = (world→RDF)·s_w·R_world·R_splat·S, so WΣWᵀ = A Aᵀ
            double qw = rot[4 * i], qx = rot[4 * i + 1], qy = rot[4 * i + 2], qz = rot[4 * i + 3];
            double qn = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
            if (!(qn > 0) || !Double.isFinite(qn)) {
                continue;
            }
            Transforms.quaternionToMatrix(qw / qn, qx / qn, qy / qn, qz / qn, rs);
            double s0 = scl[3 * i], s1 = scl[3 * i + 1], s2 = scl[3 * i + 2];
            for (int r = 0; r < 3; r++) {
                double m0 = m[r * 3], m1 = m[r * 3 + 1], m2 = m[r * 3 + 2];
                a[r * 3] = (m0 * rs[0] + m1 * rs[3] + m2 * rs[6]) * s0;
                a[r * 3 + 1] = (m0 * rs[1] + m1 * rs[4] + m2 * rs[7]) * s1;
                a[r * 3 + 2] = (m0 * rs[2] + m1 * rs[5] + m2 * rs[8]) * s2;
            }
            // 3. EWA: J with clamped tangents; B = J·A, Σ' = B Bᵀ + 0.3 I
            double invZ = 1.0 / tz;
            double rx = Math.min(limX, Math.max(-limX, tx * invZ));
            double ry = Math.min(limY, Math.max(-limY, ty * invZ));
            double jx = fx * invZ, jy = fy * invZ;
            double b00 = jx * (a[0] - rx * a[6]), b01 = jx * (a[1] - rx * a[7]), b02 = jx * (a[2] - rx * a[8]);
            double b10 = jy * (a[3] - ry * a[6]), b11 = jy * (a[4] - ry * a[7]), b12 = jy * (a[5] - ry * a[8]);
            double s00 = b00 * b00 + b01 * b01 + b02 * b02 + ProjectedSplats.LOW_PASS;
            double s01 = b00 * b10 + b01 * b11 + b02 * b12;
            double s11 = b10 * b10 + b11 * b11 + b12 * b12 + ProjectedSplats.LOW_PASS;
            // 4. conic
            double det = s00 * s11 - s01 * s01;
            if (!(det > 0) || !Double.isFinite(det)) {
                continue;
            }
            // 5. radius from the larger eigenvalue
            double mid = 0.5 * (s00 + s11);
            double lambda = mid + Math.sqrt(Math.max(0.1, mid * mid - det));
            double radius = Math.ceil(3 * Math.sqrt(lambda));
            double cu = fx * tx * invZ + cx, cv = fy * ty * invZ + cy;
            if (!Double.isFinite(cu) || !Double.isFinite(cv) || !Double.isFinite(radius)) {
                continue;
            }
            // pixels whose centre i + 0.5 lies in [u − r, u + r], clamped to the image
            double lx = Math.max(0, Math.ceil(cu - radius - 0.5)), hx = Math.min(width - 1, Math.floor(cu + radius - 0.5));
            double ly = Math.max(0, Math.ceil(cv - radius - 0.5)), hy = Math.min(height - 1, Math.floor(cv + radius - 0.5));
            if (lx > hx || ly > hy) {
                continue;
            }
            // 6. colour from SH with the view direction in the cloud frame
            double dx = px - camInCloud[0], dy = py - camInCloud[1], dz = pz - camInCloud[2];
            double dl = Math.sqrt(dx * dx + dy * dy + dz * dz);
            SphericalHarmonics.colour(cloud, i, dx / dl, dy / dl, dz / dl, basis, col);
            if (!Float.isFinite(col[0]) || !Float.isFinite(col[1]) || !Float.isFinite(col[2])) {
                continue;
            }
            int o = stride * i;
            data[o + ProjectedSplats.U] = (float) cu;
            data[o + ProjectedSplats.V] = (float) cv;
            data[o + ProjectedSplats.CA] = (float) (s11 / det);
            data[o + ProjectedSplats.CB] = (float) (-s01 / det);
            data[o + ProjectedSplats.CC] = (float) (s00 / det);
            data[o + ProjectedSplats.OPACITY] = op;
            data[o + ProjectedSplats.R] = col[0];
            data[o + ProjectedSplats.G] = col[1];
            data[o + ProjectedSplats.B] = col[2];
            // 7. depth key
            data[o + ProjectedSplats.DEPTH] = (float) tz;
            rect[4 * i] = (int) lx;
            rect[4 * i + 1] = (int) hx;
            rect[4 * i + 2] = (int) ly;
            rect[4 * i + 3] = (int) hy;
        }
    }

}
