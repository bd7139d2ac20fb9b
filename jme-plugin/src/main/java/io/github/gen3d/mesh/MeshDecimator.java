package io.github.gen3d.mesh;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.lwjgl.system.MemoryUtil;
import org.lwjgl.util.meshoptimizer.MeshOptimizer;

/**
 * Decimation to a triangle budget with meshoptimizer (through LWJGL's binding; the native library comes from the
 * {@code lwjgl-meshoptimizer} natives jar on the class path and is never downloaded).
 *
 * <p>meshoptimizer's simplifier is a quadric-error edge collapser that writes a new index buffer over the
 * <em>original</em> vertices, so every attribute (normals, vertex colours) is kept exactly by reindexing; unused
 * vertices are then dropped. Should the edge collapser stop above the budget, the sloppy (vertex clustering)
 * simplifier is used as a fallback so the budget is always met.
 *
 * <p>Run {@link MeshCleanup#mergeVertices} first: the simplifier only collapses edges between shared vertices.
 */
public final class MeshDecimator {
    private static final Logger LOG = Logger.getLogger(MeshDecimator.class.getName());

    private MeshDecimator() {
    }

    /**
     * Decimates a mesh to at most {@code maxTriangles} triangles and drops the vertices no longer used.
     *
     * @param mesh the input (not null, unaffected)
     * @param maxTriangles the face budget (at least 1)
     * @return the input itself if it already meets the budget, else a new decimated mesh (not null)
     * @throws IOException if the meshoptimizer native library cannot be loaded or a position is not finite
     * @throws IllegalArgumentException if maxTriangles is below 1
     */
    public static TriangleMesh decimate(TriangleMesh mesh, int maxTriangles) throws IOException {
        if (mesh.triangleCount() <= maxTriangles && maxTriangles >= 1) {
            return mesh;
        }
        int[] idx = simplifiedIndices(mesh, maxTriangles);
        return MeshCleanup.compact(new TriangleMesh(mesh.positions(), mesh.normals(), mesh.colours(), idx));
    }

    /**
     * Index buffers for levels of detail over the mesh's own vertices: level {@code i} has at most
     * {@code round(fractions[i] * triangleCount)} triangles (at least 1). Suitable for jME's
     * {@code Mesh.setLodLevels}, where level 0 should be the full mesh (fraction 1).
     *
     * @param mesh the mesh (not null, unaffected)
     * @param fractions triangle fractions per level, each in (0, 1] (not null, unaffected)
     * @return one index array per level (not null, new)
     * @throws IOException if the meshoptimizer native library cannot be loaded or a position is not finite
     * @throws IllegalArgumentException if a fraction is out of range
     */
    public static int[][] lodIndices(TriangleMesh mesh, float... fractions) throws IOException {
        int[][] out = new int[fractions.length][];
        for (int i = 0; i < fractions.length; i++) {
            float f = fractions[i];
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException("LOD fraction " + f + " must be in (0, 1]");
            }
            int budget = Math.max(1, Math.round(f * mesh.triangleCount()));
            out[i] = budget >= mesh.triangleCount() ? mesh.indices().clone() : simplifiedIndices(mesh, budget);
        }
        return out;
    }

    /**
     * A simplified index buffer over the mesh's vertices with at most {@code maxTriangles} triangles.
     *
     * @param mesh the mesh (not null, unaffected)
     * @param maxTriangles the face budget (at least 1)
     * @return the indices, three per triangle (not null, new)
     * @throws IOException if the meshoptimizer native library cannot be loaded or a position is not finite
     */
    static int[] simplifiedIndices(TriangleMesh mesh, int maxTriangles) throws IOException {
        return simplify(mesh, maxTriangles, false);
    }

    /**
     * Like {@link #simplifiedIndices}, with the edge collapser skipped when {@code sloppyOnly} (so the fallback
     * can be tested: meshoptimizer's edge collapser reaches the budget on every mesh the tests could build).
     */
    static int[] simplify(TriangleMesh mesh, int maxTriangles, boolean sloppyOnly) throws IOException {
        if (maxTriangles < 1) {
            throw new IllegalArgumentException("face budget " + maxTriangles + " must be at least 1");
        }
        int[] src = mesh.indices();
        if (src.length / 3 <= maxTriangles) {
            return src.clone();
        }
        for (float f : mesh.positions()) {
            if (!Float.isFinite(f)) {
                throw new IOException("cannot decimate a mesh with a non-finite vertex coordinate (" + f + ")");
            }
        }
        long target = 3L * maxTriangles;
        IntBuffer indices = null;
        IntBuffer dest = null;
        FloatBuffer positions = null;
        try {
            indices = MemoryUtil.memAllocInt(src.length);
            dest = MemoryUtil.memAllocInt(src.length);
            positions = MemoryUtil.memAllocFloat(mesh.positions().length);
            indices.put(src).flip();
            positions.put(mesh.positions()).flip();
            int vertexCount = mesh.vertexCount();
            // target error 1 = the whole mesh extent: the budget, not the error, decides where to stop
            long count = sloppyOnly ? Long.MAX_VALUE
                    : MeshOptimizer.meshopt_simplify(dest, indices, positions, vertexCount, 12L, target, 1f, 0, null);
            if (count > target) {
                LOG.log(Level.FINE, "edge collapse stopped at {0} indices (target {1}); using sloppy simplifier",
                        new Object[] {count, target});
                count = MeshOptimizer.meshopt_simplifySloppy(dest, indices, positions, vertexCount, 12L, target, 1f,
                        null);
            }
            if (count > target) {
                throw new IOException("meshoptimizer could not reach " + maxTriangles + " triangles (got "
                        + count / 3 + ")");
            }
            int[] out = new int[(int) count];
            dest.get(0, out);
            return out;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw new IOException("meshoptimizer native library (org.lwjgl:lwjgl-meshoptimizer natives) is not"
                    + " available: " + e, e);
        } finally {
            MemoryUtil.memFree(indices);
            MemoryUtil.memFree(dest);
            MemoryUtil.memFree(positions);
        }
    }
}
