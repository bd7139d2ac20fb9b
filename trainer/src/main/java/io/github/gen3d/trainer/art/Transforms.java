package io.github.gen3d.trainer.art;

/**
 * Rigid transforms as 12 doubles: a row-major rotation (9) and a translation (3), {@code x' = R·x + t}.
 */
final class Transforms {
    static final double[] IDENTITY = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};

    private Transforms() {
    }

    /**
     * @param t translation x, y, z
     * @param q rotation quaternion x, y, z, w (normalised here)
     * @return the transform "translate · rotate"
     */
    static double[] of(float[] t, float[] q) {
        double x = q[0], y = q[1], z = q[2], w = q[3];
        double n = Math.sqrt(x * x + y * y + z * z + w * w);
        if (n == 0) {
            x = y = z = 0;
            w = 1;
        } else {
            x /= n;
            y /= n;
            z /= n;
            w /= n;
        }
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
            t[0], t[1], t[2]};
    }

    /** @return a · b (b applied first) */
    static double[] compose(double[] a, double[] b) {
        double[] r = new double[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
            }
            r[9 + i] = a[3 * i] * b[9] + a[3 * i + 1] * b[10] + a[3 * i + 2] * b[11] + a[9 + i];
        }
        return r;
    }

    static double[] toDouble(float[] m) {
        double[] d = new double[12];
        for (int i = 0; i < 12; i++) {
            d[i] = m[i];
        }
        return d;
    }

    static float[] toFloat(double[] m) {
        float[] f = new float[12];
        for (int i = 0; i < 12; i++) {
            f[i] = (float) m[i];
        }
        return f;
    }
}
