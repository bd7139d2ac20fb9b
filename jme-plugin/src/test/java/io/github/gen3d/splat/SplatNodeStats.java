package io.github.gen3d.splat;

/** Test-scope view of a node's sorter counters, for benchmarks outside the package. */
public final class SplatNodeStats {
    private SplatNodeStats() {
    }

    /**
     * @param node a node (not null)
     * @return "sorts S, uploads U" for its sorter
     */
    public static String describe(SplatNode node) {
        SplatGeometry g = node.splatGeometry();
        return "sorts " + (g.sorter() == null ? 0 : g.sorter().sortsDone()) + ", uploads " + g.uploads();
    }
}
