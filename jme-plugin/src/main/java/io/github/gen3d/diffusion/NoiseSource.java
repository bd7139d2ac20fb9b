package io.github.gen3d.diffusion;

/**
 * A seeded source of standard normal noise whose output is fixed by this specification, so that the same seed gives
 * bit-identical noise on every JVM and platform:
 * <ul>
 * <li>64-bit words from SplitMix64 (Steele, Lea &amp; Flood 2014): {@code state += 0x9E3779B97F4A7C15}; then
 * {@code z = state}, {@code z = (z ^ z>>>30)·0xBF58476D1CE4E5B9}, {@code z = (z ^ z>>>27)·0x94D049BB133111EB},
 * {@code z ^ z>>>31};</li>
 * <li>uniform doubles {@code (word >>> 11)·2⁻⁵³} in [0, 1);</li>
 * <li>pairs of normals by Box–Muller with {@link StrictMath}: {@code u1 = 1 − uniform}, {@code u2 = uniform},
 * {@code r = √(−2 ln u1)}, {@code (r cos 2πu2, r sin 2πu2)}, the cosine one first.</li>
 * </ul>
 * {@code jme-plugin/src/test/python/scheduler_reference.py} implements the same and the tests compare.
 *
 * <p>Not thread-safe: use one per sampling job.
 */
public final class NoiseSource {
    private long state;
    private double spare;
    private boolean hasSpare;

    /**
     * @param seed any seed; equal seeds give equal sequences
     */
    public NoiseSource(long seed) {
        this.state = seed;
    }

    /** @return the next 64-bit SplitMix64 word */
    long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return a uniform double in [0, 1) */
    double nextUniform() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** @return the next standard normal value */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1 = 1.0 - nextUniform();
        double u2 = nextUniform();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        double th = 2.0 * Math.PI * u2;
        spare = r * StrictMath.sin(th);
        hasSpare = true;
        return r * StrictMath.cos(th);
    }

    /**
     * Fills an array with standard normal values (each rounded to float).
     *
     * @param out the array to fill (not null; modified)
     * @return {@code out}
     */
    public float[] fill(float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) nextGaussian();
        }
        return out;
    }

    /**
     * @param n number of values, ≥ 0
     * @return a new array of n standard normal values
     */
    public float[] gaussian(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        return fill(new float[n]);
    }
}
