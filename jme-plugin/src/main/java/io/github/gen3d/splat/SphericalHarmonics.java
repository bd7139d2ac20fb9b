package io.github.gen3d.splat;

/**
 * Real spherical harmonics up to degree 3 in the convention of INRIA 3D Gaussian Splatting
 * (the same constants and signs as its CUDA rasterizer and gsplat). This is the single plain
 * implementation the CPU rasterizer uses; the GPU shader {@code Splat.vert} repeats the same
 * formulas and a parity test keeps them together.
 *
 * <p>Coefficient index {@code k} runs over {@code 0 .. (degree+1)²-1}: k = 0 is the DC term,
 * 1..3 band 1, 4..8 band 2, 9..15 band 3.
 */
public final class SphericalHarmonics {
    /** Y00. */
    public static final float C0 = 0.28209479177387814f;
    static final float C1 = 0.4886025119029199f;
    static final float[] C2 = {1.0925484305920792f, -1.0925484305920792f, 0.31539156525252005f,
        -1.0925484305920792f, 0.5462742152960396f};
    static final float[] C3 = {-0.5900435899266435f, 2.890611442640554f, -0.4570457994644658f,
        0.3731763325901154f, -0.4570457994644658f, 1.445305721320277f, -0.5900435899266435f};

    private SphericalHarmonics() {
    }

    /**
     * Number of coefficients per colour channel for a degree.
     *
     * @param degree 0..3
     * @return (degree+1)²
     */
    public static int coefficientCount(int degree) {
        if (degree < 0 || degree > 3) {
            throw new IllegalArgumentException("SH degree must be 0..3, got " + degree);
        }
        return (degree + 1) * (degree + 1);
    }

    /**
     * Degree for a coefficient count, or -1 if the count is not (d+1)² for d in 0..3.
     *
     * @param coefficients per channel
     * @return the degree or -1
     */
    public static int degreeForCount(int coefficients) {
        for (int d = 0; d <= 3; d++) {
            if ((d + 1) * (d + 1) == coefficients) {
                return d;
            }
        }
        return -1;
    }

    /**
     * Evaluates all basis functions of degree ≤ {@code degree} at a unit direction.
     *
     * @param degree 0..3
     * @param x direction x (unit vector)
     * @param y direction y
     * @param z direction z
     * @param out receives (degree+1)² values (not null, modified)
     */
    public static void basis(int degree, double x, double y, double z, double[] out) {
        out[0] = C0;
        if (degree < 1) {
            return;
        }
        out[1] = -C1 * y;
        out[2] = C1 * z;
        out[3] = -C1 * x;
        if (degree < 2) {
            return;
        }
        double xx = x * x, yy = y * y, zz = z * z, xy = x * y, yz = y * z, xz = x * z;
        out[4] = C2[0] * xy;
        out[5] = C2[1] * yz;
        out[6] = C2[2] * (2 * zz - xx - yy);
        out[7] = C2[3] * xz;
        out[8] = C2[4] * (xx - yy);
        if (degree < 3) {
            return;
        }
        out[9] = C3[0] * y * (3 * xx - yy);
        out[10] = C3[1] * xy * z;
        out[11] = C3[2] * y * (4 * zz - xx - yy);
        out[12] = C3[3] * z * (2 * zz - 3 * xx - 3 * yy);
        out[13] = C3[4] * x * (4 * zz - xx - yy);
        out[14] = C3[5] * z * (xx - yy);
        out[15] = C3[6] * x * (xx - 3 * yy);
    }

    /**
     * View-dependent colour of one splat: {@code max(0, 0.5 + Σ_k sh_k · Y_k(dir))} per channel.
     *
     * @param cloud the cloud (not null, unaffected)
     * @param index splat index
     * @param dx unit direction from the camera to the splat, in the cloud's frame
     * @param dy y
     * @param dz z
     * @param basisScratch scratch of length ≥ 16 (not null, modified)
     * @param rgbOut receives r,g,b (not null, modified)
     */
    public static void colour(GaussianCloud cloud, int index, double dx, double dy, double dz,
            double[] basisScratch, float[] rgbOut) {
        int deg = cloud.shDegree();
        int k = cloud.shCoefficients();
        basis(deg, dx, dy, dz, basisScratch);
        float[] sh = cloud.sh();
        int base = index * k * 3;
        for (int c = 0; c < 3; c++) {
            double v = 0.5;
            for (int j = 0; j < k; j++) {
                v += basisScratch[j] * sh[base + j * 3 + c];
            }
            rgbOut[c] = (float) Math.max(0.0, v);
        }
    }

    /**
     * Builds, for each band 1..degree, the matrix that rotates SH coefficients when the function
     * is carried by the linear map {@code m} (row-major 3×3, new = m · old). Works for any
     * orthogonal {@code m}, reflections included. Band 0 is invariant.
     *
     * @param degree 1..3
     * @param m row-major 3×3 orthogonal matrix (not null, unaffected)
     * @return per band l (index l-1) a (2l+1)² row-major matrix R with c' = R c
     */
    static double[][] rotationMatrices(int degree, double[] m) {
        double[][] result = new double[degree][];
        java.util.Random rnd = new java.util.Random(12345);
        double[] b = new double[16];
        for (int l = 1; l <= degree; l++) {
            int n = 2 * l + 1;
            int off = l * l;
            int samples = 4 * n;
            double[][] a = new double[samples][n];
            double[][] bm = new double[samples][n];
            for (int s = 0; s < samples; s++) {
                double x = rnd.nextGaussian(), y = rnd.nextGaussian(), z = rnd.nextGaussian();
                double len = Math.sqrt(x * x + y * y + z * z);
                x /= len;
                y /= len;
                z /= len;
                basis(l, x, y, z, b);
                System.arraycopy(b, off, a[s], 0, n);
                // f'(d) = f(mᵀ d)
                double ox = m[0] * x + m[3] * y + m[6] * z;
                double oy = m[1] * x + m[4] * y + m[7] * z;
                double oz = m[2] * x + m[5] * y + m[8] * z;
                basis(l, ox, oy, oz, b);
                System.arraycopy(b, off, bm[s], 0, n);
            }
            // least squares: (AᵀA) R = AᵀB
            double[][] ata = new double[n][n];
            double[][] atb = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s1 = 0, s2 = 0;
                    for (int s = 0; s < samples; s++) {
                        s1 += a[s][i] * a[s][j];
                        s2 += a[s][i] * bm[s][j];
                    }
                    ata[i][j] = s1;
                    atb[i][j] = s2;
                }
            }
            double[][] r = solve(ata, atb);
            double[] flat = new double[n * n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(r[i], 0, flat, i * n, n);
            }
            result[l - 1] = flat;
        }
        return result;
    }

    /** Solves A X = B by Gauss-Jordan with partial pivoting; A is n×n, B is n×m. */
    private static double[][] solve(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        double[][] aa = new double[n][];
        double[][] bb = new double[n][];
        for (int i = 0; i < n; i++) {
            aa[i] = a[i].clone();
            bb[i] = b[i].clone();
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(aa[r][col]) > Math.abs(aa[piv][col])) {
                    piv = r;
                }
            }
            double[] t = aa[col];
            aa[col] = aa[piv];
            aa[piv] = t;
            t = bb[col];
            bb[col] = bb[piv];
            bb[piv] = t;
            double d = aa[col][col];
            for (int j = 0; j < n; j++) {
                aa[col][j] /= d;
            }
            for (int j = 0; j < m; j++) {
                bb[col][j] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r != col && aa[r][col] != 0) {
                    double f = aa[r][col];
                    for (int j = 0; j < n; j++) {
                        aa[r][j] -= f * aa[col][j];
                    }
                    for (int j = 0; j < m; j++) {
                        bb[r][j] -= f * bb[col][j];
                    }
                }
            }
        }
        return bb;
    }
}
