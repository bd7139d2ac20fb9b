package io.github.gen3d.trainer;

/**
 * SplitMix64 (Steele, Lea and Flood), the dataset code's fully specified random generator, so data does not depend on
 * the Java version.
 */
public final class SplitMix64 {
    private long state;

    /** @param seed the initial state */
    public SplitMix64(long seed) {
        state = seed;
    }

    /** @return the next 64 random bits */
    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return uniform in [0, 1) */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
