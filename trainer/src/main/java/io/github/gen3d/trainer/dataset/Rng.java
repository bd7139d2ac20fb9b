package io.github.gen3d.trainer.dataset;

/**
 * SplitMix64 (Steele, Lea and Flood 2014): a tiny, fully specified generator, so that a seed gives the same prop on
 * every JVM and Java version. Not thread-safe.
 */
final class Rng {
    /** The golden-ratio increment of SplitMix64. */
    static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    /** @param seed any value */
    Rng(long seed) {
        this.state = seed;
    }

    /**
     * The SplitMix64 output finaliser (a bijective 64-bit mix).
     *
     * @param z input
     * @return the mixed value
     */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return the next 64 random bits */
    long nextLong() {
        state += GAMMA;
        return mix(state);
    }

    /** @return uniform in [0, 1) */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * @param lo lower bound
     * @param hi upper bound
     * @return uniform in [lo, hi)
     */
    float range(double lo, double hi) {
        return (float) (lo + (hi - lo) * nextDouble());
    }

    /**
     * @param lo lowest value
     * @param hi highest value (≥ lo)
     * @return uniform integer in [lo, hi]
     */
    int between(int lo, int hi) {
        return lo + (int) Math.floor(nextDouble() * (hi - lo + 1));
    }

    /** @return true with probability {@code p} */
    boolean chance(double p) {
        return nextDouble() < p;
    }
}
