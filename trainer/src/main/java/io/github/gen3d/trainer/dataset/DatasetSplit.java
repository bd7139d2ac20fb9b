package io.github.gen3d.trainer.dataset;

/**
 * Train / validation / test split of a prop, decided by its seed alone: {@code bucket = mix(seed + γ) mod 100}
 * (unsigned), where {@code mix} is the SplitMix64 finaliser and γ its golden-ratio increment, i.e. the first
 * SplitMix64 output for state {@code seed}. Buckets 0–79 are {@link #TRAIN}, 80–89 {@link #VALIDATION}, 90–99
 * {@link #TEST}. The rule does not depend on the category, so a seed is in the same split for every category, and
 * it never changes: the test split must never be used for training or tuning.
 */
public enum DatasetSplit {
    /** About 80 % of seeds: used for training. */
    TRAIN,
    /** About 10 % of seeds: used for tuning and early stopping. */
    VALIDATION,
    /** About 10 % of seeds: used only for the final evaluation. */
    TEST;

    /**
     * The split of a seed.
     *
     * @param seed the prop seed (any value)
     * @return the split (not null)
     */
    public static DatasetSplit of(long seed) {
        long bucket = Long.remainderUnsigned(Rng.mix(seed + Rng.GAMMA), 100);
        if (bucket < 80) {
            return TRAIN;
        }
        return bucket < 90 ? VALIDATION : TEST;
    }

    /**
     * Whether a seed belongs to this split.
     *
     * @param seed the prop seed
     * @return true if {@link #of(long)} gives this split
     */
    public boolean contains(long seed) {
        return of(seed) == this;
    }
}
