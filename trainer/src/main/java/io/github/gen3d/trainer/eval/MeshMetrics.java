package io.github.gen3d.trainer.eval;

import io.github.gen3d.mesh.TriangleMesh;
import java.util.List;
import java.util.logging.Logger;

/**
 * Compares a predicted mesh with a ground-truth mesh by Chamfer distance and F-score on surface samples (see
 * {@code docs/evaluation.md}).
 *
 * <p>Procedure of {@link #compare}: sample {@code n} points on each surface by area
 * ({@link PointClouds#sampleSurface}; the ground truth with {@code seed}, the prediction with {@code seed + 1});
 * keep only the ground-truth samples visible in at least one of the ground-truth depth views
 * ({@link Visibility#filterVisible}, in the ground truth's world frame, so that faces inside the union of
 * interpenetrating parts do not count); then normalise each cloud <b>by its own mesh's</b> bounding box (of the
 * triangle corners) to the centred unit cube (longest side 1); and finally compute the metrics of
 * {@link PointCloudMetrics}. Normalising each mesh separately makes the score blind to a global offset and a uniform
 * scale error, which a single-image model cannot recover anyway; it does measure shape and aspect ratio.
 */
public final class MeshMetrics {
    /**
     * Chamfer distance assigned to an empty prediction: √3, the diagonal of the unit cube and therefore an upper
     * bound of the Chamfer distance between any two normalised clouds.
     */
    public static final double EMPTY_PREDICTION_CHAMFER = Math.sqrt(3);

    private static final Logger LOGGER = Logger.getLogger(MeshMetrics.class.getName());

    /**
     * The scores of one comparison.
     *
     * @param chamfer symmetric L2 Chamfer distance in unit-cube units (at least 0; {@link #EMPTY_PREDICTION_CHAMFER}
     *     for an empty prediction)
     * @param fScore F-score at τ in [0, 1]
     * @param precision fraction of predicted samples within τ of the ground truth
     * @param recall fraction of visible ground-truth samples within τ of the prediction
     */
    public record Scores(double chamfer, double fScore, double precision, double recall) {
    }

    private MeshMetrics() {
    }

    /**
     * Compares two meshes (see the class comment for the procedure). A prediction without triangles gets the
     * defined worst result: Chamfer {@link #EMPTY_PREDICTION_CHAMFER} and F-score, precision and recall 0.
     *
     * @param pred predicted mesh (not null, unaffected; may be empty)
     * @param gt ground-truth mesh (not null, unaffected; must have triangles)
     * @param gtVisibility depth views of the ground truth (not null, unaffected); an empty list disables the
     *     visibility filter (every ground-truth sample counts)
     * @param n number of surface samples per mesh before the visibility filter (at least 1)
     * @param seed sampling seed; the same inputs and seed give the same scores
     * @param tau F-score threshold in unit-cube units (finite, &gt; 0), e.g. {@link PointCloudMetrics#DEFAULT_TAU}
     * @return the scores
     * @throws IllegalArgumentException if an argument is out of range, the ground truth is empty, or no
     *     ground-truth sample is visible in any view
     */
    public static Scores compare(TriangleMesh pred, TriangleMesh gt, List<DepthView> gtVisibility, int n, long seed,
            float tau) {
        if (pred == null || gt == null || gtVisibility == null) {
            throw new IllegalArgumentException("pred, gt and gtVisibility must not be null");
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        PointCloudMetrics.checkTau(tau);
        if (gt.isEmpty()) {
            throw new IllegalArgumentException("ground-truth mesh has no triangles");
        }
        float[] sampled = PointClouds.sampleSurface(gt, n, seed);
        float[] gtPoints = gtVisibility.isEmpty() ? sampled : Visibility.filterVisible(sampled, gtVisibility);
        if (gtPoints.length == 0) {
            throw new IllegalArgumentException("no ground-truth sample is visible in the " + gtVisibility.size()
                    + " depth views (wrong frame or empty depth maps?)");
        }
        LOGGER.fine(() -> "visible ground-truth samples: " + gtPoints.length / 3 + " of " + n);
        if (pred.isEmpty()) {
            return new Scores(EMPTY_PREDICTION_CHAMFER, 0, 0, 0);
        }
        float[] predPoints = PointClouds.sampleSurface(pred, n, seed + 1);
        float[] p = PointClouds.applyUnitCube(predPoints,
                PointClouds.unitCubeTransform(pred.positions(), pred.indices()));
        float[] g = PointClouds.applyUnitCube(gtPoints, PointClouds.unitCubeTransform(gt.positions(), gt.indices()));
        double[] m = PointCloudMetrics.chamferAndFScore(p, g, tau);
        return new Scores(m[0], m[3], m[1], m[2]);
    }
}
