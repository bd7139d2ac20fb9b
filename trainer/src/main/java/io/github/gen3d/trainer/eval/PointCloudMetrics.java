package io.github.gen3d.trainer.eval;

/**
 * Distances between point clouds (xyz per point, flat float arrays), computed with exact nearest neighbours from a
 * uniform grid; each metric has a brute-force reference beside it for parity tests.
 *
 * <ul>
 * <li>Chamfer distance: {@code ½ (mean_p min_g ‖p − g‖ + mean_g min_p ‖g − p‖)} with plain (not squared) Euclidean
 * distances, in the clouds' units.</li>
 * <li>F-score at threshold τ: precision = fraction of predicted points whose nearest ground-truth point is within
 * τ (distance ≤ τ), recall = fraction of ground-truth points whose nearest predicted point is within τ,
 * {@code F = 2PR / (P + R)}, and F = 0 when P + R = 0.</li>
 * </ul>
 */
public final class PointCloudMetrics {
    /** Default F-score threshold in unit-cube units (the clouds normalised to a longest side of 1). */
    public static final float DEFAULT_TAU = 0.05f;

    /**
     * Precision, recall and F-score at one threshold.
     *
     * @param precision fraction of predicted points within τ of the ground truth, in [0, 1]
     * @param recall fraction of ground-truth points within τ of the prediction, in [0, 1]
     * @param fScore {@code 2PR / (P + R)}, 0 when both are 0
     */
    public record FScore(double precision, double recall, double fScore) {
    }

    private PointCloudMetrics() {
    }

    /**
     * Symmetric Chamfer distance (L2, not squared; see the class comment).
     *
     * @param pred predicted points (not null, unaffected, at least one point)
     * @param gt ground-truth points (not null, unaffected, at least one point)
     * @return the Chamfer distance (at least 0)
     * @throws IllegalArgumentException if a cloud is null, empty, malformed or not finite
     */
    public static double chamfer(float[] pred, float[] gt) {
        checkClouds(pred, gt);
        return 0.5 * (mean(nearest(pred, gt)) + mean(nearest(gt, pred)));
    }

    /**
     * F-score at the default threshold {@link #DEFAULT_TAU}.
     *
     * @param pred predicted points (not null, unaffected, at least one point)
     * @param gt ground-truth points (not null, unaffected, at least one point)
     * @return precision, recall and F-score
     * @throws IllegalArgumentException if a cloud is null, empty, malformed or not finite
     */
    public static FScore fScore(float[] pred, float[] gt) {
        return fScore(pred, gt, DEFAULT_TAU);
    }

    /**
     * F-score at threshold {@code tau} (see the class comment).
     *
     * @param pred predicted points (not null, unaffected, at least one point)
     * @param gt ground-truth points (not null, unaffected, at least one point)
     * @param tau distance threshold (finite, &gt; 0)
     * @return precision, recall and F-score
     * @throws IllegalArgumentException if a cloud is null, empty, malformed or not finite, or tau is out of range
     */
    public static FScore fScore(float[] pred, float[] gt, float tau) {
        checkClouds(pred, gt);
        checkTau(tau);
        return fScoreFromDistances(nearest(pred, gt), nearest(gt, pred), tau);
    }

    /** Both metrics from one pair of nearest-neighbour passes: {@code {chamfer, precision, recall, f}}. */
    static double[] chamferAndFScore(float[] pred, float[] gt, float tau) {
        double[] dp = nearest(pred, gt);
        double[] dg = nearest(gt, pred);
        FScore f = fScoreFromDistances(dp, dg, tau);
        return new double[] {0.5 * (mean(dp) + mean(dg)), f.precision(), f.recall(), f.fScore()};
    }

    /** Plain reference for {@link #chamfer}: brute-force nearest neighbours. */
    static double chamferBruteForce(float[] pred, float[] gt) {
        return 0.5 * (mean(nearestBruteForce(pred, gt)) + mean(nearestBruteForce(gt, pred)));
    }

    /** Plain reference for {@link #fScore(float[], float[], float)}: brute-force nearest neighbours. */
    static FScore fScoreBruteForce(float[] pred, float[] gt, float tau) {
        return fScoreFromDistances(nearestBruteForce(pred, gt), nearestBruteForce(gt, pred), tau);
    }

    /**
     * For every query point, the distance to the nearest target point (grid search).
     *
     * @param queries xyz per query point (not null)
     * @param targets xyz per target point (not null, at least one point)
     * @return one distance per query point
     */
    static double[] nearest(float[] queries, float[] targets) {
        NearestNeighbourGrid grid = new NearestNeighbourGrid(targets);
        double[] d = new double[queries.length / 3];
        for (int i = 0; i < d.length; i++) {
            d[i] = grid.nearestDistance(queries[3 * i], queries[3 * i + 1], queries[3 * i + 2]);
        }
        return d;
    }

    /** Plain reference for {@link #nearest}. */
    static double[] nearestBruteForce(float[] queries, float[] targets) {
        double[] d = new double[queries.length / 3];
        for (int i = 0; i < d.length; i++) {
            d[i] = NearestNeighbourGrid.bruteForce(targets, queries[3 * i], queries[3 * i + 1], queries[3 * i + 2]);
        }
        return d;
    }

    private static FScore fScoreFromDistances(double[] predToGt, double[] gtToPred, double tau) {
        double precision = fractionWithin(predToGt, tau);
        double recall = fractionWithin(gtToPred, tau);
        double sum = precision + recall;
        return new FScore(precision, recall, sum > 0 ? 2 * precision * recall / sum : 0);
    }

    private static double fractionWithin(double[] d, double tau) {
        int n = 0;
        for (double v : d) {
            if (v <= tau) {
                n++;
            }
        }
        return (double) n / d.length;
    }

    private static double mean(double[] d) {
        double s = 0;
        for (double v : d) {
            s += v;
        }
        return s / d.length;
    }

    static void checkTau(float tau) {
        if (!(tau > 0) || !Float.isFinite(tau)) {
            throw new IllegalArgumentException("tau must be finite and > 0, got " + tau);
        }
    }

    private static void checkClouds(float[] pred, float[] gt) {
        PointClouds.checkPoints(pred, "pred");
        PointClouds.checkPoints(gt, "gt");
        if (pred.length == 0 || gt.length == 0) {
            throw new IllegalArgumentException("point clouds must not be empty, got " + pred.length / 3 + " and "
                    + gt.length / 3 + " points");
        }
    }
}
