package io.github.gen3d.splat;

import com.jme3.bounding.BoundingBox;
import com.jme3.math.Matrix3f;
import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import java.util.Arrays;

/**
 * A set of 3D Gaussians ("splats") stored as a struct of arrays.
 *
 * <h2>Layout</h2>
 * For splat {@code i} of {@code n}:
 * <ul>
 * <li>{@code positions[3i .. 3i+2]}: centre x, y, z;</li>
 * <li>{@code scales[3i .. 3i+2]}: standard deviations along the local axes, <b>linear</b> (not log), &gt; 0;</li>
 * <li>{@code rotations[4i .. 4i+3]}: unit quaternion <b>w, x, y, z</b> taking local axes to the cloud frame;</li>
 * <li>{@code opacities[i]}: <b>linear</b> opacity in [0, 1] (not a logit);</li>
 * <li>{@code sh[(i·K + k)·3 + c]}: spherical-harmonic coefficient {@code k} (0 ≤ k &lt; K = (degree+1)²) of colour
 * channel {@code c} (0 = r, 1 = g, 2 = b): coefficient-major, RGB interleaved. {@code k = 0} is the DC term; the
 * base colour is {@code 0.5 + C0·sh_0}. Higher coefficients follow {@link SphericalHarmonics#basis}.</li>
 * </ul>
 *
 * <h2>Frame</h2>
 * Clouds in this library are in jME's frame (right-handed, +Y up, camera looks down −Z) unless a reader was told
 * to keep the file's own frame. See {@code docs/coordinates.md} and {@link SplatFrame}.
 *
 * <p>Arrays are returned live (no copy) for speed; callers that mutate them own the consequences. Not thread-safe.
 */
public final class GaussianCloud {
    private final int count;
    private final int shDegree;
    private final float[] positions;
    private final float[] scales;
    private final float[] rotations;
    private final float[] opacities;
    private final float[] sh;

    /**
     * Creates a cloud of zeros (identity rotations).
     *
     * @param count number of splats (≥ 0)
     * @param shDegree 0..3
     */
    public GaussianCloud(int count, int shDegree) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        int k = SphericalHarmonics.coefficientCount(shDegree);
        long shLen = (long) count * k * 3;
        if (shLen > Integer.MAX_VALUE - 8 || (long) count * 4 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many splats for one cloud: " + count);
        }
        this.count = count;
        this.shDegree = shDegree;
        this.positions = new float[count * 3];
        this.scales = new float[count * 3];
        this.rotations = new float[count * 4];
        this.opacities = new float[count];
        this.sh = new float[(int) shLen];
        for (int i = 0; i < count; i++) {
            rotations[i * 4] = 1f;
        }
    }

    /** @return the number of splats */
    public int size() {
        return count;
    }

    /** @return the SH degree, 0..3 */
    public int shDegree() {
        return shDegree;
    }

    /** @return SH coefficients per colour channel, (degree+1)² */
    public int shCoefficients() {
        return (shDegree + 1) * (shDegree + 1);
    }

    /** @return positions, 3 per splat (live, not a copy) */
    public float[] positions() {
        return positions;
    }

    /** @return linear scales, 3 per splat (live) */
    public float[] scales() {
        return scales;
    }

    /** @return unit quaternions w,x,y,z, 4 per splat (live) */
    public float[] rotations() {
        return rotations;
    }

    /** @return linear opacities, 1 per splat (live) */
    public float[] opacities() {
        return opacities;
    }

    /** @return SH coefficients, {@code 3·(degree+1)²} per splat, layout in the class doc (live) */
    public float[] sh() {
        return sh;
    }

    /**
     * Sets one splat's base colour (SH DC term) from linear RGB in [0, 1]; higher SH terms are left alone.
     *
     * @param i splat index
     * @param r red
     * @param g green
     * @param b blue
     */
    public void setColour(int i, float r, float g, float b) {
        int base = i * shCoefficients() * 3;
        sh[base] = (r - 0.5f) / SphericalHarmonics.C0;
        sh[base + 1] = (g - 0.5f) / SphericalHarmonics.C0;
        sh[base + 2] = (b - 0.5f) / SphericalHarmonics.C0;
    }

    /**
     * Sets position, linear scale, rotation (w,x,y,z; normalised here) and linear opacity of one splat.
     *
     * @param i index
     * @param pos position (3)
     * @param scale linear scale (3)
     * @param quatWxyz rotation (4)
     * @param opacity linear opacity
     */
    public void set(int i, float[] pos, float[] scale, float[] quatWxyz, float opacity) {
        System.arraycopy(pos, 0, positions, i * 3, 3);
        System.arraycopy(scale, 0, scales, i * 3, 3);
        double n = Math.sqrt(quatWxyz[0] * quatWxyz[0] + quatWxyz[1] * quatWxyz[1]
                + quatWxyz[2] * quatWxyz[2] + quatWxyz[3] * quatWxyz[3]);
        for (int j = 0; j < 4; j++) {
            rotations[i * 4 + j] = (float) (quatWxyz[j] / n);
        }
        opacities[i] = opacity;
    }

    /**
     * Axis-aligned bounds of the splat centres (non-finite centres are skipped).
     *
     * @return a new box; an empty cloud gives a zero-extent box at the origin
     */
    public BoundingBox bounds() {
        float minX = Float.POSITIVE_INFINITY, minY = minX, minZ = minX;
        float maxX = Float.NEGATIVE_INFINITY, maxY = maxX, maxZ = maxX;
        for (int i = 0; i < count; i++) {
            float x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
            if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
                continue;
            }
            minX = Math.min(minX, x);
            minY = Math.min(minY, y);
            minZ = Math.min(minZ, z);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, y);
            maxZ = Math.max(maxZ, z);
        }
        if (minX > maxX) {
            return new BoundingBox(new Vector3f(), 0, 0, 0);
        }
        return new BoundingBox(new Vector3f(minX, minY, minZ), new Vector3f(maxX, maxY, maxZ));
    }

    /**
     * Returns a deep copy.
     *
     * @return a new cloud
     */
    public GaussianCloud copy() {
        GaussianCloud c = new GaussianCloud(count, shDegree);
        System.arraycopy(positions, 0, c.positions, 0, positions.length);
        System.arraycopy(scales, 0, c.scales, 0, scales.length);
        System.arraycopy(rotations, 0, c.rotations, 0, rotations.length);
        System.arraycopy(opacities, 0, c.opacities, 0, opacities.length);
        System.arraycopy(sh, 0, c.sh, 0, sh.length);
        return c;
    }

    /**
     * Copies the chosen splats into a new cloud, in the given order.
     *
     * @param indices splat indices (not null, unaffected)
     * @return a new cloud with {@code indices.length} splats and the same SH degree
     */
    public GaussianCloud subset(int[] indices) {
        GaussianCloud c = new GaussianCloud(indices.length, shDegree);
        int k3 = shCoefficients() * 3;
        for (int j = 0; j < indices.length; j++) {
            int i = indices[j];
            System.arraycopy(positions, i * 3, c.positions, j * 3, 3);
            System.arraycopy(scales, i * 3, c.scales, j * 3, 3);
            System.arraycopy(rotations, i * 4, c.rotations, j * 4, 4);
            c.opacities[j] = opacities[i];
            System.arraycopy(sh, i * k3, c.sh, j * k3, k3);
        }
        return c;
    }

    /**
     * Returns a copy with a different SH degree: higher coefficients are dropped, or added as zeros.
     *
     * @param degree 0..3
     * @return a new cloud
     */
    public GaussianCloud withShDegree(int degree) {
        GaussianCloud c = new GaussianCloud(count, degree);
        System.arraycopy(positions, 0, c.positions, 0, positions.length);
        System.arraycopy(scales, 0, c.scales, 0, scales.length);
        System.arraycopy(rotations, 0, c.rotations, 0, rotations.length);
        System.arraycopy(opacities, 0, c.opacities, 0, opacities.length);
        int kSrc = shCoefficients(), kDst = c.shCoefficients(), kMin = Math.min(kSrc, kDst);
        for (int i = 0; i < count; i++) {
            System.arraycopy(sh, i * kSrc * 3, c.sh, i * kDst * 3, kMin * 3);
        }
        return c;
    }

    /**
     * Applies a rigid transform with uniform scale in place: positions, rotations, scales, and the SH
     * coefficients (rotated so that view-dependent colour follows the object).
     *
     * @param t the transform (not null, unaffected); its scale must be uniform and positive
     * @return this cloud
     */
    public GaussianCloud transformInPlace(Transform t) {
        Vector3f s = t.getScale();
        if (!(s.x > 0) || Math.abs(s.x - s.y) > 1e-6f * s.x || Math.abs(s.x - s.z) > 1e-6f * s.x) {
            throw new IllegalArgumentException("only uniform positive scale is supported, got " + s);
        }
        Matrix3f rm = t.getRotation().toRotationMatrix();
        double[] m = new double[9];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                m[r * 3 + c] = rm.get(r, c);
            }
        }
        applyLinear(m, s.x, t.getTranslation(), t.getRotation());
        return this;
    }

    /**
     * Applies {@code p' = m·p} for an orthogonal m (possibly a reflection, det = −1), in place: positions,
     * rotations and SH. Used for frame conversions such as RDF ↔ RUB (a 180° turn about X).
     *
     * @param m row-major 3×3 orthogonal matrix (not null, unaffected)
     * @return this cloud
     */
    GaussianCloud applyOrthogonal(double[] m) {
        Matrix3f rm = new Matrix3f((float) m[0], (float) m[1], (float) m[2], (float) m[3], (float) m[4],
                (float) m[5], (float) m[6], (float) m[7], (float) m[8]);
        float det = rm.determinant();
        if (det > 0) {
            applyLinear(m, 1f, Vector3f.ZERO, new Quaternion().fromRotationMatrix(rm));
        } else {
            // A reflection M = −R' with R' = −M a rotation; a Gaussian's covariance is symmetric under −I,
            // so only the rotation R' matters for the ellipsoid; positions and SH use M itself.
            Matrix3f neg = rm.clone().multLocal(-1f);
            Quaternion q = new Quaternion().fromRotationMatrix(neg);
            applyLinear(m, 1f, Vector3f.ZERO, q);
        }
        return this;
    }

    private void applyLinear(double[] m, float scale, Vector3f translation, Quaternion q) {
        Quaternion tmp = new Quaternion();
        Quaternion r = new Quaternion();
        for (int i = 0; i < count; i++) {
            double x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
            positions[i * 3] = (float) ((m[0] * x + m[1] * y + m[2] * z) * scale + translation.x);
            positions[i * 3 + 1] = (float) ((m[3] * x + m[4] * y + m[5] * z) * scale + translation.y);
            positions[i * 3 + 2] = (float) ((m[6] * x + m[7] * y + m[8] * z) * scale + translation.z);
            scales[i * 3] *= scale;
            scales[i * 3 + 1] *= scale;
            scales[i * 3 + 2] *= scale;
            // jME Quaternion is (x, y, z, w)
            r.set(rotations[i * 4 + 1], rotations[i * 4 + 2], rotations[i * 4 + 3], rotations[i * 4]);
            q.mult(r, tmp);
            tmp.normalizeLocal();
            rotations[i * 4] = tmp.getW();
            rotations[i * 4 + 1] = tmp.getX();
            rotations[i * 4 + 2] = tmp.getY();
            rotations[i * 4 + 3] = tmp.getZ();
        }
        if (shDegree > 0) {
            double[][] bands = SphericalHarmonics.rotationMatrices(shDegree, m);
            int k = shCoefficients();
            double[] in = new double[7];
            for (int i = 0; i < count; i++) {
                int base = i * k * 3;
                for (int l = 1; l <= shDegree; l++) {
                    int n = 2 * l + 1, off = l * l;
                    double[] rot = bands[l - 1];
                    for (int c = 0; c < 3; c++) {
                        for (int j = 0; j < n; j++) {
                            in[j] = sh[base + (off + j) * 3 + c];
                        }
                        for (int a = 0; a < n; a++) {
                            double v = 0;
                            for (int j = 0; j < n; j++) {
                                v += rot[a * n + j] * in[j];
                            }
                            sh[base + (off + a) * 3 + c] = (float) v;
                        }
                    }
                }
            }
        }
    }

    /**
     * Counts problems without changing anything.
     *
     * @return a report
     */
    public Validation validate() {
        return scan(false);
    }

    /**
     * Repairs what can be repaired and drops what cannot: splats with a non-finite position, scale, rotation
     * or opacity, or an all-zero rotation, are removed; rotations are normalised; opacity is clamped to [0, 1];
     * non-finite SH coefficients become 0; scales are made positive (absolute value, at least 1e-7).
     *
     * @return a report of what was found, and the cleaned cloud ({@link Validation#cleaned()}); this cloud is
     *     not modified
     */
    public Validation sanitize() {
        return scan(true);
    }

    private Validation scan(boolean fix) {
        int nonFinitePos = 0, badScale = 0, badRot = 0, badOpacity = 0, nonFiniteSh = 0;
        boolean[] drop = new boolean[count];
        int dropped = 0;
        int k3 = shCoefficients() * 3;
        for (int i = 0; i < count; i++) {
            boolean d = false;
            for (int j = 0; j < 3; j++) {
                if (!Float.isFinite(positions[i * 3 + j])) {
                    nonFinitePos++;
                    d = true;
                    break;
                }
            }
            for (int j = 0; j < 3; j++) {
                float v = scales[i * 3 + j];
                if (!Float.isFinite(v) || v <= 0) {
                    badScale++;
                    d |= !Float.isFinite(v);
                    break;
                }
            }
            float qw = rotations[i * 4], qx = rotations[i * 4 + 1], qy = rotations[i * 4 + 2],
                    qz = rotations[i * 4 + 3];
            double qn = Math.sqrt((double) qw * qw + qx * qx + qy * qy + qz * qz);
            if (!Double.isFinite(qn) || qn == 0) {
                badRot++;
                d = true;
            } else if (Math.abs(qn - 1) > 1e-3) {
                badRot++;
            }
            float o = opacities[i];
            if (!Float.isFinite(o)) {
                badOpacity++;
                d = true;
            } else if (o < 0 || o > 1) {
                badOpacity++;
            }
            for (int j = 0; j < k3; j++) {
                if (!Float.isFinite(sh[i * k3 + j])) {
                    nonFiniteSh++;
                    break;
                }
            }
            drop[i] = d;
            if (d) {
                dropped++;
            }
        }
        GaussianCloud cleaned = null;
        if (fix) {
            int[] keep = new int[count - dropped];
            for (int i = 0, j = 0; i < count; i++) {
                if (!drop[i]) {
                    keep[j++] = i;
                }
            }
            cleaned = subset(keep);
            cleaned.repairInPlace();
        }
        return new Validation(count, nonFinitePos, badScale, badRot, badOpacity, nonFiniteSh, dropped, cleaned);
    }

    private void repairInPlace() {
        for (int i = 0; i < count; i++) {
            double qn = 0;
            for (int j = 0; j < 4; j++) {
                qn += (double) rotations[i * 4 + j] * rotations[i * 4 + j];
            }
            qn = Math.sqrt(qn);
            for (int j = 0; j < 4; j++) {
                rotations[i * 4 + j] /= (float) qn;
            }
            for (int j = 0; j < 3; j++) {
                scales[i * 3 + j] = Math.max(1e-7f, Math.abs(scales[i * 3 + j]));
            }
            opacities[i] = Math.min(1f, Math.max(0f, opacities[i]));
        }
        for (int j = 0; j < sh.length; j++) {
            if (!Float.isFinite(sh[j])) {
                sh[j] = 0f;
            }
        }
    }

    /**
     * What {@link #validate()} or {@link #sanitize()} found. Counts are of splats, at most one per splat and
     * category.
     *
     * @param total splats examined
     * @param nonFinitePositions splats with a NaN/Inf coordinate
     * @param badScales splats with a non-finite or non-positive scale
     * @param badRotations splats whose quaternion is non-finite, zero, or not unit length
     * @param badOpacities splats whose opacity is non-finite or outside [0, 1]
     * @param nonFiniteSh splats with a NaN/Inf SH coefficient
     * @param unrecoverable splats that {@link #sanitize()} drops
     * @param cleaned the repaired cloud from {@link #sanitize()}, null from {@link #validate()}
     */
    public record Validation(int total, int nonFinitePositions, int badScales, int badRotations,
            int badOpacities, int nonFiniteSh, int unrecoverable, GaussianCloud cleaned) {
        /** @return true if nothing was found */
        public boolean isClean() {
            return nonFinitePositions == 0 && badScales == 0 && badRotations == 0 && badOpacities == 0
                    && nonFiniteSh == 0;
        }

        @Override
        public String toString() {
            return "Validation[total=" + total + ", nonFinitePositions=" + nonFinitePositions + ", badScales="
                    + badScales + ", badRotations=" + badRotations + ", badOpacities=" + badOpacities
                    + ", nonFiniteSh=" + nonFiniteSh + ", unrecoverable=" + unrecoverable + "]";
        }
    }

    @Override
    public String toString() {
        return "GaussianCloud[" + count + " splats, SH degree " + shDegree + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GaussianCloud g)) {
            return false;
        }
        return count == g.count && shDegree == g.shDegree && Arrays.equals(positions, g.positions)
                && Arrays.equals(scales, g.scales) && Arrays.equals(rotations, g.rotations)
                && Arrays.equals(opacities, g.opacities) && Arrays.equals(sh, g.sh);
    }

    @Override
    public int hashCode() {
        return 31 * count + Arrays.hashCode(positions);
    }
}
