package io.github.gen3d.trainer.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetSplitTest {
    @Test
    void splitMixMatchesPublishedFirstOutput() {
        // SplitMix64 seeded with 0: first output 0xE220A8397B1DCDAF (reference C implementation)
        assertEquals(0xE220A8397B1DCDAFL, new Rng(0).nextLong());
    }

    @Test
    void ruleIsTheDocumentedBucket() {
        for (long seed = -500; seed < 500; seed++) {
            long bucket = Long.remainderUnsigned(new Rng(seed).nextLong(), 100);
            DatasetSplit want = bucket < 80 ? DatasetSplit.TRAIN
                    : bucket < 90 ? DatasetSplit.VALIDATION : DatasetSplit.TEST;
            assertEquals(want, DatasetSplit.of(seed), "seed " + seed);
            assertEquals(want, PropGenerator.generate(PropCategory.CRATE, seed).split());
        }
        // the bucket of seed 0 follows from the published constant above
        assertEquals(Long.remainderUnsigned(0xE220A8397B1DCDAFL, 100) < 80 ? DatasetSplit.TRAIN
                : Long.remainderUnsigned(0xE220A8397B1DCDAFL, 100) < 90 ? DatasetSplit.VALIDATION
                : DatasetSplit.TEST, DatasetSplit.of(0));
    }

    @Test
    void splitsAreDisjointStableAndRoughly801010() {
        Map<DatasetSplit, Set<Long>> sets = new EnumMap<>(DatasetSplit.class);
        for (DatasetSplit s : DatasetSplit.values()) {
            sets.put(s, new HashSet<>());
        }
        int n = 10_000;
        for (long seed = 0; seed < n; seed++) {
            DatasetSplit s = DatasetSplit.of(seed);
            assertEquals(s, DatasetSplit.of(seed), "stable");
            sets.get(s).add(seed);
            int member = 0;
            for (DatasetSplit t : DatasetSplit.values()) {
                member += t.contains(seed) ? 1 : 0;
            }
            assertEquals(1, member, "seed " + seed + " in exactly one split");
        }
        Set<Long> all = new HashSet<>();
        for (Set<Long> s : sets.values()) {
            all.addAll(s);
        }
        assertEquals(n, all.size());
        assertEquals(n, sets.values().stream().mapToInt(Set::size).sum(), "disjoint");
        // binomial standard deviation: sqrt(n p (1-p)) = 40 (train), 30 (val/test); allow 4 sigma
        assertEquals(8000, sets.get(DatasetSplit.TRAIN).size(), 160);
        assertEquals(1000, sets.get(DatasetSplit.VALIDATION).size(), 120);
        assertEquals(1000, sets.get(DatasetSplit.TEST).size(), 120);
    }
}
