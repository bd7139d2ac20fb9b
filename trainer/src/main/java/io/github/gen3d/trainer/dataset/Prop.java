package io.github.gen3d.trainer.dataset;

import io.github.gen3d.mesh.TriangleMesh;
import java.util.List;
import java.util.Map;

/**
 * One generated prop: its category and seed, the ground-truth mesh (bounding-box centre at the origin, farthest
 * vertex {@link PropGenerator#BOUNDING_RADIUS} from it), the same geometry as its closed primitive parts, and the drawn parameters.
 *
 * @param category the category (not null)
 * @param seed the seed it was generated from
 * @param mesh all parts in one mesh (not null; treat its arrays as read-only)
 * @param parts the closed primitive parts, in the same frame as {@code mesh} (not null, unmodifiable)
 * @param parameters the drawn parameters by name, in prop-local units before normalisation (not null,
 *        unmodifiable, sorted by name)
 */
public record Prop(PropCategory category, long seed, TriangleMesh mesh, List<TriangleMesh> parts,
        Map<String, Double> parameters) {

    /** @return the split this prop's seed belongs to (not null) */
    public DatasetSplit split() {
        return DatasetSplit.of(seed);
    }
}
