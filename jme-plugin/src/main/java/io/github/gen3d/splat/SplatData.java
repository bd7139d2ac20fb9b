package io.github.gen3d.splat;

import com.jme3.bounding.BoundingBox;
import com.jme3.math.Vector3f;
import com.jme3.texture.Image;
import com.jme3.texture.Texture;
import com.jme3.texture.Texture2D;
import com.jme3.texture.image.ColorSpace;
import com.jme3.util.BufferUtils;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Packs a {@link GaussianCloud} into the two RGBA32F data textures {@code Splat.vert} reads with {@code texelFetch}.
 *
 * <h2>Layout</h2>
 * Both textures are {@link #TEX_WIDTH} texels wide; the {@code t}-th texel of splat {@code i} is texel
 * {@code L = i·stride + t} at {@code (L mod width, L div width)}.
 * <ul>
 * <li>Geometry, stride {@link #GEOMETRY_TEXELS} = 3: {@code (x, y, z, opacity)}, {@code (Σxx, Σxy, Σxz, Σyy)},
 * {@code (Σyz, Σzz, 0, 0)}, where {@code Σ = R S² Rᵀ} is the 3D covariance in the cloud frame (R from the unit
 * quaternion, S = diag(scale)).</li>
 * <li>SH, stride {@link #shTexels(int)} = ⌈3(d+1)²/4⌉ (1, 3, 7, 12 for degree 0..3): the splat's coefficients in
 * the cloud's own order (coefficient-major, RGB interleaved), four floats per texel, zero padded.</li>
 * </ul>
 * For a {@link SplatGroup} the clouds of all members are packed one after another into one texture of each kind,
 * and the geometry texture's free slot {@code z} of texel 2 holds the member index (0 for a plain node).
 */
final class SplatData {
    /** Width of both data textures, in texels. */
    static final int TEX_WIDTH = 4096;
    /** Texels per splat in the geometry texture. */
    static final int GEOMETRY_TEXELS = 3;
    /** Most splats one node can draw: the instance index reaches the shader as a float, exact up to 2^24. */
    static final int MAX_SPLATS = 1 << 24;
    /** Padding source: at least the floats of the widest SH stride. */
    private static final float[] ZEROS = new float[48];

    private SplatData() {
    }

    /**
     * Texels per splat in the SH texture.
     *
     * @param degree SH degree 0..3
     * @return ⌈3(d+1)²/4⌉
     */
    static int shTexels(int degree) {
        int k = SphericalHarmonics.coefficientCount(degree);
        return (3 * k + 3) / 4;
    }

    /**
     * Rows a data texture needs.
     *
     * @param splats splat count
     * @param stride texels per splat
     * @return ⌈splats·stride / width⌉, at least 1
     */
    static int rows(int splats, int stride) {
        long texels = (long) splats * stride;
        return (int) Math.max(1, (texels + TEX_WIDTH - 1) / TEX_WIDTH);
    }

    /**
     * The 3D covariance {@code R S² Rᵀ} of one splat, upper triangle.
     *
     * @param cloud the cloud (not null, unaffected)
     * @param i splat index
     * @param out receives xx, xy, xz, yy, yz, zz (not null, length &ge; 6, modified)
     */
    static void covariance(GaussianCloud cloud, int i, double[] out) {
        float[] q = cloud.rotations();
        float[] s = cloud.scales();
        double w = q[4 * i], x = q[4 * i + 1], y = q[4 * i + 2], z = q[4 * i + 3];
        double len = Math.sqrt(w * w + x * x + y * y + z * z);
        if (len > 0 && Double.isFinite(len)) {
            w /= len;
            x /= len;
            y /= len;
            z /= len;
        } else {
            w = 1;
            x = y = z = 0;
        }
        // rotation matrix of the unit quaternion (w, x, y, z), row-major
        double r00 = 1 - 2 * (y * y + z * z), r01 = 2 * (x * y - w * z), r02 = 2 * (x * z + w * y);
        double r10 = 2 * (x * y + w * z), r11 = 1 - 2 * (x * x + z * z), r12 = 2 * (y * z - w * x);
        double r20 = 2 * (x * z - w * y), r21 = 2 * (y * z + w * x), r22 = 1 - 2 * (x * x + y * y);
        double sx = (double) s[3 * i] * s[3 * i], sy = (double) s[3 * i + 1] * s[3 * i + 1],
                sz = (double) s[3 * i + 2] * s[3 * i + 2];
        // Σ = R diag(s²) Rᵀ: Σ_ab = Σ_k R_ak s_k² R_bk
        out[0] = r00 * r00 * sx + r01 * r01 * sy + r02 * r02 * sz;
        out[1] = r00 * r10 * sx + r01 * r11 * sy + r02 * r12 * sz;
        out[2] = r00 * r20 * sx + r01 * r21 * sy + r02 * r22 * sz;
        out[3] = r10 * r10 * sx + r11 * r11 * sy + r12 * r12 * sz;
        out[4] = r10 * r20 * sx + r11 * r21 * sy + r12 * r22 * sz;
        out[5] = r20 * r20 * sx + r21 * r21 * sy + r22 * r22 * sz;
    }

    /**
     * Builds the geometry texture.
     *
     * @param cloud the cloud (not null, unaffected)
     * @return a new RGBA32F texture, nearest filtering, no mipmaps
     */
    static Texture2D geometryTexture(GaussianCloud cloud) {
        return geometryTexture(List.of(cloud));
    }

    /**
     * Builds one geometry texture for several clouds, one after another (a {@link SplatGroup}): splat {@code j} of
     * cloud {@code m} is splat {@code (Σ_{k<m} size_k) + j}, and its third texel holds {@code m} in {@code z}
     * ({@code (Σyz, Σzz, m, 0)}), the member index the grouped shader reads. One cloud gives exactly
     * {@link #geometryTexture(GaussianCloud)}.
     *
     * @param clouds the clouds (not null, none null, unaffected; at most {@link #MAX_SPLATS} splats in all)
     * @return a new RGBA32F texture, nearest filtering, no mipmaps
     */
    static Texture2D geometryTexture(List<GaussianCloud> clouds) {
        int n = totalSplats(clouds);
        ByteBuffer bytes = newTextureData(n, GEOMETRY_TEXELS);
        FloatBuffer fb = bytes.asFloatBuffer();
        double[] cov = new double[6];
        float[] row = new float[4 * GEOMETRY_TEXELS];
        for (int m = 0; m < clouds.size(); m++) {
            GaussianCloud cloud = clouds.get(m);
            float[] p = cloud.positions();
            float[] o = cloud.opacities();
            row[10] = m;
            for (int i = 0; i < cloud.size(); i++) {
                covariance(cloud, i, cov);
                row[0] = p[3 * i];
                row[1] = p[3 * i + 1];
                row[2] = p[3 * i + 2];
                row[3] = o[i];
                for (int j = 0; j < 6; j++) {
                    row[4 + j] = (float) cov[j];
                }
                fb.put(row);
            }
        }
        return toTexture(bytes, rows(n, GEOMETRY_TEXELS), "splat geometry");
    }

    /**
     * Builds the SH texture.
     *
     * @param cloud the cloud (not null, unaffected)
     * @return a new RGBA32F texture, nearest filtering, no mipmaps
     */
    static Texture2D shTexture(GaussianCloud cloud) {
        return shTexture(List.of(cloud), cloud.shDegree());
    }

    /**
     * Builds one SH texture for several clouds, one after another (as {@link #geometryTexture(List)}), with the
     * stride of {@code degree}: a cloud of lower degree is zero padded (which evaluates identically), one of higher
     * degree is cut to the first {@code (degree+1)²} coefficients.
     *
     * @param clouds the clouds (not null, none null, unaffected)
     * @param degree the SH degree packed, 0..3
     * @return a new RGBA32F texture, nearest filtering, no mipmaps
     */
    static Texture2D shTexture(List<GaussianCloud> clouds, int degree) {
        int n = totalSplats(clouds);
        int stride = shTexels(degree);
        ByteBuffer bytes = newTextureData(n, stride);
        FloatBuffer fb = bytes.asFloatBuffer();
        int wanted3 = SphericalHarmonics.coefficientCount(degree) * 3;
        for (GaussianCloud cloud : clouds) {
            int k3 = cloud.shCoefficients() * 3;
            int copy = Math.min(k3, wanted3);
            int pad = stride * 4 - copy;
            float[] sh = cloud.sh();
            for (int i = 0; i < cloud.size(); i++) {
                fb.put(sh, i * k3, copy);
                fb.put(ZEROS, 0, pad);
            }
        }
        return toTexture(bytes, rows(n, stride), "splat SH");
    }

    /**
     * Total splats of several clouds.
     *
     * @param clouds the clouds (not null, none null, unaffected)
     * @return the sum of their sizes
     * @throws IllegalArgumentException if it exceeds {@link #MAX_SPLATS}
     */
    static int totalSplats(List<GaussianCloud> clouds) {
        long n = 0;
        for (GaussianCloud c : clouds) {
            n += c.size();
        }
        if (n > MAX_SPLATS) {
            throw new IllegalArgumentException("at most " + MAX_SPLATS + " splats in one draw, got " + n);
        }
        return (int) n;
    }

    /** A zeroed, native-order direct buffer for a whole texture (rows × width texels of 16 bytes). */
    private static ByteBuffer newTextureData(int n, int stride) {
        long bytes = 16L * TEX_WIDTH * rows(n, stride);
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many splats for one data texture: " + n);
        }
        return BufferUtils.createByteBuffer((int) bytes);
    }

    private static Texture2D toTexture(ByteBuffer bytes, int rows, String name) {
        bytes.clear();
        Image img = new Image(Image.Format.RGBA32F, TEX_WIDTH, rows, bytes, ColorSpace.Linear);
        Texture2D tex = new Texture2D(img);
        tex.setMinFilter(Texture.MinFilter.NearestNoMipMaps);
        tex.setMagFilter(Texture.MagFilter.Nearest);
        tex.setWrap(Texture.WrapMode.EdgeClamp);
        tex.setName(name);
        return tex;
    }

    /**
     * Axis-aligned bounds of all splats, each padded by three times its largest scale (non-finite splats are
     * skipped).
     *
     * @param cloud the cloud (not null, unaffected)
     * @return a new box; an empty cloud gives a zero-extent box at the origin
     */
    static BoundingBox paddedBounds(GaussianCloud cloud) {
        float[] p = cloud.positions();
        float[] s = cloud.scales();
        float minX = Float.POSITIVE_INFINITY, minY = minX, minZ = minX;
        float maxX = Float.NEGATIVE_INFINITY, maxY = maxX, maxZ = maxX;
        for (int i = 0; i < cloud.size(); i++) {
            float x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
            float r = 3f * Math.max(Math.abs(s[3 * i]), Math.max(Math.abs(s[3 * i + 1]), Math.abs(s[3 * i + 2])));
            if (!(Float.isFinite(x) && Float.isFinite(y) && Float.isFinite(z) && Float.isFinite(r))) {
                continue;
            }
            minX = Math.min(minX, x - r);
            minY = Math.min(minY, y - r);
            minZ = Math.min(minZ, z - r);
            maxX = Math.max(maxX, x + r);
            maxY = Math.max(maxY, y + r);
            maxZ = Math.max(maxZ, z + r);
        }
        if (minX > maxX) {
            return new BoundingBox(new Vector3f(), 0, 0, 0);
        }
        return new BoundingBox(new Vector3f(minX, minY, minZ), new Vector3f(maxX, maxY, maxZ));
    }
}
