package io.github.gen3d.render;

import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;

/** Small double-precision helpers for rotations and the splat node's world transform. */
final class Transforms {
    private Transforms() {
    }

    /**
     * Rotation matrix of a unit quaternion.
     *
     * @param w w
     * @param x x
     * @param y y
     * @param z z
     * @return a new row-major 3×3 matrix; its columns are the images of the local axes
     */
    static double[] quaternionToMatrix(double w, double x, double y, double z) {
        double[] m = new double[9];
        quaternionToMatrix(w, x, y, z, m);
        return m;
    }

    /**
     * Rotation matrix of a unit quaternion into {@code m} (row-major 3×3).
     *
     * @param w w
     * @param x x
     * @param y y
     * @param z z
     * @param m receives the matrix (not null, length ≥ 9, modified)
     */
    static void quaternionToMatrix(double w, double x, double y, double z, double[] m) {
        double xx = x * x, yy = y * y, zz = z * z;
        double xy = x * y, xz = x * z, yz = y * z, wx = w * x, wy = w * y, wz = w * z;
        m[0] = 1 - 2 * (yy + zz);
        m[1] = 2 * (xy - wz);
        m[2] = 2 * (xz + wy);
        m[3] = 2 * (xy + wz);
        m[4] = 1 - 2 * (xx + zz);
        m[5] = 2 * (yz - wx);
        m[6] = 2 * (xz - wy);
        m[7] = 2 * (yz + wx);
        m[8] = 1 - 2 * (xx + yy);
    }

    /**
     * Row-major product {@code a·b} of two 3×3 matrices.
     *
     * @param a left (not null, unaffected)
     * @param b right (not null, unaffected)
     * @return a new matrix
     */
    static double[] mul(double[] a, double[] b) {
        double[] m = new double[9];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                m[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
            }
        }
        return m;
    }

    /**
     * The parts of a splat node's world transform the rasterizer needs.
     *
     * @param rotation row-major 3×3 rotation (cloud → world)
     * @param scale the uniform scale
     * @param translation x, y, z
     */
    record WorldTransform(double[] rotation, double scale, double[] translation) {
        /**
         * Checks and decomposes a jME transform.
         *
         * @param t the transform (null → identity; unaffected)
         * @return the parts
         * @throws IllegalArgumentException if the scale is not uniform and positive, or anything is not finite
         */
        static WorldTransform of(Transform t) {
            if (t == null) {
                return new WorldTransform(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 1, new double[3]);
            }
            Vector3f s = t.getScale();
            if (!(s.x > 0) || !Float.isFinite(s.x) || Math.abs(s.x - s.y) > 1e-6f * s.x
                    || Math.abs(s.x - s.z) > 1e-6f * s.x) {
                throw new IllegalArgumentException("world transform must have a uniform positive scale, got " + s);
            }
            Vector3f tr = t.getTranslation();
            if (!Vector3f.isValidVector(tr)) {
                throw new IllegalArgumentException("world translation must be finite, got " + tr);
            }
            Quaternion q = t.getRotation();
            double w = q.getW(), x = q.getX(), y = q.getY(), z = q.getZ();
            double n = Math.sqrt(w * w + x * x + y * y + z * z);
            if (!(n > 1e-12) || !Double.isFinite(n)) {
                throw new IllegalArgumentException("world rotation must be a non-zero finite quaternion, got " + q);
            }
            return new WorldTransform(quaternionToMatrix(w / n, x / n, y / n, z / n), s.x,
                    new double[] {tr.x, tr.y, tr.z});
        }
    }
}
