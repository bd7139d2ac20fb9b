package io.github.gen3d.mesh;

import com.jme3.asset.AssetManager;
import com.jme3.scene.Geometry;
import com.jme3.scene.Mesh;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The game-ready result of an extracted mesh: cleaned and decimated {@link TriangleMesh}, a jME {@link Geometry}
 * with vertex-colour Lighting material and LOD levels, and its {@link CollisionProxy}.
 *
 * @param mesh the final triangle mesh (not null; treat as read-only)
 * @param geometry the geometry (not null, not attached to any scene)
 * @param collision the collision proxies (not null)
 * @param report the edge report of the final mesh (not null)
 */
public record GameMesh(TriangleMesh mesh, Geometry geometry, CollisionProxy collision,
        MeshCleanup.EdgeReport report) {
    private static final Logger LOG = Logger.getLogger(GameMesh.class.getName());

    /**
     * How to finish a mesh.
     *
     * @param mergeEpsilon vertex merge distance as a fraction of the bounding-box diagonal (&gt; 0)
     * @param minComponentTriangles components with fewer triangles are dropped (at least 0)
     * @param minComponentAreaFraction components below this fraction of the total area are dropped (in [0, 1])
     * @param maxTriangles face budget for the finest level (at least 1)
     * @param lodFractions LOD triangle fractions of the finest level, finest first (not null, each in (0, 1])
     */
    public record Settings(float mergeEpsilon, int minComponentTriangles, double minComponentAreaFraction,
            int maxTriangles, float[] lodFractions) {
        /** Validates the values (see the record description). */
        public Settings {
            if (!(mergeEpsilon > 0) || minComponentTriangles < 0
                    || !(minComponentAreaFraction >= 0 && minComponentAreaFraction <= 1) || maxTriangles < 1) {
                throw new IllegalArgumentException("bad mesh settings: epsilon " + mergeEpsilon + ", min triangles "
                        + minComponentTriangles + ", min area " + minComponentAreaFraction + ", budget "
                        + maxTriangles);
            }
            lodFractions = lodFractions.clone();
            for (float f : lodFractions) {
                if (!(f > 0 && f <= 1)) {
                    throw new IllegalArgumentException("LOD fraction " + f + " must be in (0, 1]");
                }
            }
        }

        /** @return 1e-6 of the diagonal, drop components under 1 % of the area, 50k triangles, LODs 1, ½, ¼ */
        public static Settings defaults() {
            return new Settings(1e-6f, 0, 0.01, 50_000, new float[] {1f, 0.5f, 0.25f});
        }

        /**
         * @param budget the new face budget (at least 1)
         * @return a copy with that budget (not null)
         */
        public Settings withMaxTriangles(int budget) {
            return new Settings(mergeEpsilon, minComponentTriangles, minComponentAreaFraction, budget, lodFractions);
        }

        /** @return a copy of the LOD fractions (not null) */
        @Override
        public float[] lodFractions() {
            return lodFractions.clone();
        }
    }

    /**
     * Cleans, decimates and wraps a mesh: merge vertices, drop degenerate triangles and small components,
     * decimate to the budget, build LOD levels, the geometry and the collision proxies.
     *
     * @param raw the extracted mesh (not null, unaffected)
     * @param settings how to finish it (not null)
     * @param name the geometry name (may be null)
     * @param assets loads the Lighting material definition (not null)
     * @return the result (not null)
     * @throws IOException if nothing is left after cleanup, or decimation's native library is unavailable
     */
    public static GameMesh build(TriangleMesh raw, Settings settings, String name, AssetManager assets)
            throws IOException {
        float[] p = raw.positions();
        double diag2 = 0;
        if (p.length > 0) {
            float[] min = {p[0], p[1], p[2]};
            float[] max = {p[0], p[1], p[2]};
            for (int i = 0; i < p.length; i++) {
                if (!Float.isFinite(p[i])) {
                    throw new IOException("mesh vertex " + i / 3 + " has a non-finite coordinate");
                }
                min[i % 3] = Math.min(min[i % 3], p[i]);
                max[i % 3] = Math.max(max[i % 3], p[i]);
            }
            for (int k = 0; k < 3; k++) {
                diag2 += (double) (max[k] - min[k]) * (max[k] - min[k]);
            }
        }
        if (raw.triangleCount() == 0 || diag2 == 0) {
            throw new IOException("mesh is empty (" + raw.triangleCount() + " triangles, extent "
                    + Math.sqrt(diag2) + ")");
        }
        float eps = (float) Math.max(settings.mergeEpsilon() * Math.sqrt(diag2), Float.MIN_NORMAL);
        TriangleMesh clean = MeshCleanup.clean(raw, eps, settings.minComponentTriangles(),
                settings.minComponentAreaFraction());
        if (clean.triangleCount() == 0) {
            throw new IOException("no triangles left after cleanup of " + raw.triangleCount());
        }
        TriangleMesh fin = MeshDecimator.decimate(clean, settings.maxTriangles());
        int[][] lods = MeshDecimator.lodIndices(fin, settings.lodFractions());
        Mesh jm = JmeMeshes.toMesh(fin, lods);
        Geometry g = JmeMeshes.toGeometry(name, jm, assets);
        MeshCleanup.EdgeReport report = MeshCleanup.edgeReport(fin);
        LOG.log(Level.INFO, "mesh {0}: {1} -> {2} triangles after cleanup, {3} final, watertight {4}",
                new Object[] {name, raw.triangleCount(), clean.triangleCount(), fin.triangleCount(),
                        report.watertight()});
        return new GameMesh(fin, g, CollisionProxy.of(fin, jm), report);
    }
}
