package io.github.gen3d.mesh;

import java.util.HashMap;
import java.util.Map;

/** Topology and geometry checks shared by the mesh tests. */
final class MeshChecks {
    private MeshChecks() {
    }

    /**
     * Counts directed edges: a closed, consistently wound manifold has every directed edge exactly once and its
     * reverse exactly once.
     *
     * @return a message describing the first problem, or null if watertight and consistently wound
     */
    static String watertightProblem(TriangleMesh m) {
        Map<Long, Integer> directed = new HashMap<>();
        int[] t = m.indices();
        for (int i = 0; i < t.length; i += 3) {
            for (int k = 0; k < 3; k++) {
                long key = ((long) t[i + k] << 32) | t[i + (k + 1) % 3];
                directed.merge(key, 1, Integer::sum);
            }
        }
        for (Map.Entry<Long, Integer> en : directed.entrySet()) {
            long key = en.getKey();
            int a = (int) (key >>> 32), b = (int) key;
            if (en.getValue() != 1) {
                return "directed edge " + a + "->" + b + " used " + en.getValue() + " times (inconsistent winding)";
            }
            Integer rev = directed.get(((long) b << 32) | a);
            if (rev == null) {
                return "edge " + a + "-" + b + " has one triangle only (hole)";
            }
        }
        return null;
    }
}
